/** Events head office refused for good are kept aside with the reason, never retried, never deleted. */
export default /* sql */ `
ALTER TABLE outbox ADD COLUMN rejected_reason TEXT;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox(seq) WHERE sent_at IS NULL AND rejected_reason IS NULL;
`;
