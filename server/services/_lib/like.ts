/**
 * The one LIKE/ILIKE pattern builder: `%`, `_` and `\` in what a person typed match themselves
 * (PostgreSQL's default escape character is the backslash).
 */
const escapeLikeChars = (s: string) => s.replace(/[\\%_]/g, (c) => "\\" + c);

/** Pattern matching values that contain `s` anywhere. */
export const likeContains = (s: string) => `%${escapeLikeChars(s)}%`;

/** Pattern matching values that start with `s`. */
export const likePrefix = (s: string) => `${escapeLikeChars(s)}%`;
