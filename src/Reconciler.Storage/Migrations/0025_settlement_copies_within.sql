-- Whether a settlement file holds two lines with the same provider, entry type and reference (copies of one provider
-- line within the file), found at import by a 64-bit hash of each line's key (a collision can only say true). The
-- evidence merge's shared lines (EvidenceSql.SharedMoneyLinesByRange) group the lines' keys only for the provider and
-- entry type pairs that can hold copies: lines from two files or more, or from a file that holds copies within itself
-- or was imported before this column (NULL: not known). A day of one file per provider then skips the grouping of a
-- million keys that found none (2.8-3.5 s -> 1.1-2.3 s at 1 M, alone in psql).
ALTER TABLE imported_file ADD COLUMN IF NOT EXISTS copies_within boolean;
