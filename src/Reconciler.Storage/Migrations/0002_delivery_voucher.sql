-- What the vendor delivered (card code, operator serial): two parts of one batch with the same vendor order id,
-- time and quantity are told apart by it, so neither is taken for the other seen in a second file.
ALTER TABLE delivery_event ADD COLUMN voucher text;
