/**
 * Finding a customer at the till without a table scan over a million profiles: an FTS5
 * index of names (prefix-indexed) and a table of phone tails, kept by triggers.
 */
export default /* sql */ `
CREATE VIRTUAL TABLE profile_names USING fts5(names, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
INSERT INTO profile_names(rowid, names) SELECT rowid, first_name || ' ' || coalesce(last_name, '') FROM profiles;
CREATE TRIGGER profile_names_insert AFTER INSERT ON profiles BEGIN
  INSERT INTO profile_names(rowid, names) VALUES (new.rowid, new.first_name || ' ' || coalesce(new.last_name, ''));
END;
CREATE TRIGGER profile_names_update AFTER UPDATE OF first_name, last_name ON profiles BEGIN
  UPDATE profile_names SET names = new.first_name || ' ' || coalesce(new.last_name, '') WHERE rowid = new.rowid;
END;
CREATE TRIGGER profile_names_delete AFTER DELETE ON profiles BEGIN
  DELETE FROM profile_names WHERE rowid = old.rowid;
END;

CREATE TABLE phone_tails (
  tail TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  phone TEXT NOT NULL,
  PRIMARY KEY (tail, profile_id, phone)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO phone_tails SELECT substr(value, -4), profile_id, value FROM identifiers WHERE kind = 'phone';
CREATE TRIGGER phone_tails_insert AFTER INSERT ON identifiers WHEN new.kind = 'phone' BEGIN
  INSERT OR IGNORE INTO phone_tails VALUES (substr(new.value, -4), new.profile_id, new.value);
END;
CREATE TRIGGER phone_tails_delete AFTER DELETE ON identifiers WHEN old.kind = 'phone' BEGIN
  DELETE FROM phone_tails WHERE tail = substr(old.value, -4) AND profile_id = old.profile_id AND phone = old.value;
END;
`;
