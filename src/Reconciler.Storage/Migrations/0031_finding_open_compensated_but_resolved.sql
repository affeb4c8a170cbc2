-- The compensated_but_resolved findings still open, which every run lists again (FindingWriter.CommitAsync): found by a
-- scan of every finding ever stored, a cost that grew with history whatever the day (a parallel sequential scan, 113 ms
-- on the 7th day of a 300 k series at 10 % breaks, 220 k findings, for none found; 0.2 ms through this index). Few
-- findings are in it: a person closes each one.
CREATE INDEX finding_open_compensated_but_resolved ON finding (finding_id)
    WHERE status = 'open' AND kind = 'compensated_but_resolved';
