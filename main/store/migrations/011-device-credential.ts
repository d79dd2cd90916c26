/** The device's own credential from pairing: kept on the device, never re-sent after pairing except in the handshake. */
export default /* sql */ `
CREATE TABLE device_credential (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  server_url TEXT NOT NULL,
  device_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  credential TEXT NOT NULL,
  paired_at TEXT NOT NULL
) STRICT;
`;
