/// <reference types="@remix-run/node" />

declare module "*.css" {
  const href: string;
  export default href;
}

// ES2024 string methods, in Node since 20 (TypeScript's "ES2023" lib predates them).
interface String {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
