/** A message as an i18n key plus its parameters; stored as is and translated where it is shown. */
export type MessageRef = { key: string; params?: Record<string, string | number> };

/** What rendering a ref needs of a translator: next-intl's `createTranslator` or `useTranslations()`. */
export type Translate = { (key: string, values?: Record<string, string | number>): string; has(key: string): boolean };

/**
 * `key` (a full key, e.g. `errors.required`) in the translator's language. A `field` param becomes
 * `fieldLabel` (its label under `fields.`, else the name itself), an `entity` param `entityLabel`.
 * An unknown key is returned as is.
 */
export function translateWith(t: Translate, key: string, params: Record<string, string | number> = {}): string {
  try {
    const resolved: Record<string, string | number> = { ...params };
    if (typeof params.field === "string") {
      const label = `fields.${params.field}`;
      resolved.fieldLabel = t.has(label) ? t(label) : params.field;
    }
    if (typeof params.entity === "string") {
      const label = `entities.${params.entity}`;
      resolved.entityLabel = t.has(label) ? t(label) : params.entity;
    }
    return t.has(key) ? t(key, resolved) : key;
  } catch {
    return key;
  }
}

/** An `errors.*` ref (a DomainError's message or field error) in the translator's language. */
export const errorText = (t: Translate, ref: MessageRef) => translateWith(t, `errors.${ref.key}`, ref.params);
