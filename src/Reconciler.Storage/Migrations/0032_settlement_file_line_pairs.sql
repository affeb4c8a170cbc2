-- What a settlement file's lines that name an order hold, written when the file is imported: their provider and entry
-- type pairs (provider || E'\x1f' || entry_type) and the prefixes of the order numbers they name (each number without
-- its last four characters; a file of more than 4,096 prefixes keeps the one prefix all its numbers begin with
-- instead). The evidence merge's shared lines look for copies of one provider line only among the
-- pairs that can hold them (lines from two files or more, or from a file marked copies_within, migration 0025); it
-- found those pairs by a pass over every line of the date's order-number range (0.36 s at 1 M orders, before the merge
-- can start), and now from the files one of whose prefixes can hold a number in the range: a file counted that holds no
-- line in the range can only make a pair suspect, never hide one. Prefixes rather than the least and greatest number:
-- an orphan payment's made-up number (another prefix) stretched an earlier date's span over every later date's range,
-- and every pair was suspect again from the second day on. NULL for files imported before this migration: while one of
-- them holds lines, the pass over the date's lines is made as before. A file whose lines name no order keeps empty arrays.
ALTER TABLE imported_file
    ADD COLUMN line_pairs          text[],
    ADD COLUMN line_order_prefixes text[];
