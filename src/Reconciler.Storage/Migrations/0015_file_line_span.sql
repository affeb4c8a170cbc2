-- The span of a settlement file's line times (the first and the last occurred_at of its lines), written when the file
-- is imported. Whether a provider's settlement for a date arrived looks into the files that declare no period for
-- lines of the date; a file whose lines all lie outside the date is now passed over without reading the date's lines
-- once per file. Files imported before this migration have no span and are looked into as before.
ALTER TABLE imported_file ADD COLUMN first_occurred_at timestamptz, ADD COLUMN last_occurred_at timestamptz;
