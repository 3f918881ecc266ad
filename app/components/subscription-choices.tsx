import { t } from "~/locales";

/** Region and service checkboxes shared by the subscribe and management forms. */
export function SubscriptionChoices({
  regions,
  components,
  selectedRegions = [],
  selectedComponents = [],
  errors = {},
}: {
  regions: { code: string; name: string }[];
  components: { id: number; name: string }[];
  selectedRegions?: string[];
  selectedComponents?: number[];
  errors?: Record<string, string>;
}) {
  return (
    <>
      {components.length ? (
        <fieldset>
          <legend>{t("subscribe.components")}</legend>
          {errors.components ? <div className="field-error">{errors.components}</div> : null}
          <div className="checkbox-grid">
            {components.map((c) => (
              <label key={c.id}>
                <input
                  type="checkbox"
                  name="components"
                  value={c.id}
                  defaultChecked={selectedComponents.includes(c.id)}
                />
                {c.name}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      <fieldset>
        <legend>{t("subscribe.regions")}</legend>
        {errors.regions ? <div className="field-error">{errors.regions}</div> : null}
        <div className="checkbox-grid">
          {regions.map((r) => (
            <label key={r.code}>
              <input
                type="checkbox"
                name="regions"
                value={r.code}
                defaultChecked={selectedRegions.includes(r.code)}
              />
              {r.name}
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}
