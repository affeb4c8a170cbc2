-- The evidence tables are written only by EvidenceImport: binary COPY of one file's rows in the transaction that
-- inserted that file's imported_file row, and never updated or deleted line by line afterwards. Their
-- (file_id, line_no) primary keys were a B-tree insert per row that no query reads, and each file_id foreign key a
-- trigger query per row (a million per big file) that checks what the import itself just wrote. Both go; the lookup
-- indexes the queries use (order_no, occurred_at, provider_txn_id, created_at) stay. quarantine keeps its key.
ALTER TABLE settlement_line DROP CONSTRAINT IF EXISTS settlement_line_pkey;
ALTER TABLE delivery_event DROP CONSTRAINT IF EXISTS delivery_event_pkey;
ALTER TABLE settlement_line DROP CONSTRAINT IF EXISTS settlement_line_file_id_fkey;
ALTER TABLE delivery_event DROP CONSTRAINT IF EXISTS delivery_event_file_id_fkey;
ALTER TABLE platform_order DROP CONSTRAINT IF EXISTS platform_order_file_id_fkey;
