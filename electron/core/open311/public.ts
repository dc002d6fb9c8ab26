// What the public may read of a case through Open311 (GeoReport v2 GET requests): requests that came in through
// Open311, and — if the centre chooses (settings.open311.publicChannels) — cases of public classes taken in on other
// channels. Internal free text and personal data never leave: an Open311 request's own description keeps its words
// with identity numbers, phone numbers and e-mail addresses masked; any other case shows only its class, place and
// status.

/** The SQL condition of a case the public may see (parameters: the extra public channels, as a JSON array). */
export const PUBLIC_CASE_SQL = `kind = 'event' AND class_code IN (SELECT code FROM event_classes WHERE public = 1)
  AND (channel = 'open311' OR channel IN (SELECT value FROM json_each(?)))`;

/** Masks what in a text could identify a person: ID card numbers, phone numbers, e-mail addresses. */
export function maskPersonal(text: string): string {
  return text
    .replace(/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, '[身份证号]')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[邮箱]')
    .replace(/(?<!\d)(\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g, '[电话]')
    .replace(/(?<!\d)0\d{2,3}[ -]?\d{7,8}(?!\d)/g, '[电话]');
}
