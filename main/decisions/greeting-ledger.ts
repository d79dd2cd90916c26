/** What was shown to whom, so caps per visit and per day, and cooldowns, hold across screens and restarts. */
import type { Db } from '../store/database';

export interface LedgerEntry {
  decisionId: string;
  profileId: string;
  ruleId: string;
  screenId: string;
  visitId: string;
  decidedAt: Date;
}

export class GreetingLedger {
  private readonly insert;
  private readonly perVisit;
  private readonly perRuleVisit;
  private readonly perRuleSince;
  private readonly lastForRule;
  private readonly markShown;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO greeting_ledger (decision_id, profile_id, rule_id, screen_id, visit_id, decided_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.perVisit = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM greeting_ledger WHERE visit_id = ?');
    this.perRuleVisit = db.prepare<[string, string], { n: number }>(
      'SELECT count(*) AS n FROM greeting_ledger WHERE visit_id = ? AND rule_id = ?',
    );
    this.perRuleSince = db.prepare<[string, string, string], { n: number }>(
      'SELECT count(*) AS n FROM greeting_ledger WHERE profile_id = ? AND rule_id = ? AND decided_at >= ?',
    );
    this.lastForRule = db.prepare<[string, string], { decided_at: string }>(
      'SELECT decided_at FROM greeting_ledger WHERE profile_id = ? AND rule_id = ? ORDER BY decided_at DESC LIMIT 1',
    );
    this.markShown = db.prepare<[string, string], { profile_id: string; rule_id: string }>(
      'UPDATE greeting_ledger SET shown_at = ? WHERE decision_id = ? AND shown_at IS NULL RETURNING profile_id, rule_id',
    );
  }

  record(entry: LedgerEntry): void {
    this.insert.run(entry.decisionId, entry.profileId, entry.ruleId, entry.screenId, entry.visitId, entry.decidedAt.toISOString());
  }

  greetingsThisVisit(visitId: string): number {
    return this.perVisit.get(visitId)?.n ?? 0;
  }

  ruleThisVisit(visitId: string, ruleId: string): number {
    return this.perRuleVisit.get(visitId, ruleId)?.n ?? 0;
  }

  ruleSince(profileId: string, ruleId: string, since: Date): number {
    return this.perRuleSince.get(profileId, ruleId, since.toISOString())?.n ?? 0;
  }

  lastGreeted(profileId: string, ruleId: string): Date | undefined {
    const row = this.lastForRule.get(profileId, ruleId);
    return row ? new Date(row.decided_at) : undefined;
  }

  /** The entry the first time only: a screen that reports twice does not count twice. */
  shown(decisionId: string, at: Date): { profileId: string; ruleId: string } | undefined {
    const row = this.markShown.get(at.toISOString(), decisionId);
    return row ? { profileId: row.profile_id, ruleId: row.rule_id } : undefined;
  }
}
