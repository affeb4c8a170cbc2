-- Refunds, chargebacks and their reversals by the provider transaction id they reverse. A run looks for the reversal
-- lines that name another order than their payment (EvidenceSql.StageMoneyLines) by hashing every reversal line and
-- probing it with the payments; about one line in twenty is a reversal, so reading them through this index instead
-- of scanning every date's lines for them costs the import little and the run a tenth of the scan.
CREATE INDEX settlement_line_reversal_txn ON settlement_line (provider_txn_id)
    WHERE entry_type IN ('refund', 'chargeback', 'chargeback_reversal');
