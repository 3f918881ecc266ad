export * from "./comms";
export * from "./complaints";
export * from "./detection";
export * from "./enums";
export * from "./incidents";
export * from "./orgs";
export * from "./regions";
export * from "./taxonomy";
