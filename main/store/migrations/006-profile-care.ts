/** What counter staff must know before serving: allergies and preferences (JSON arrays of short texts). */
export default /* sql */ `
ALTER TABLE profiles ADD COLUMN allergies TEXT;
ALTER TABLE profiles ADD COLUMN preferences TEXT;
`;
