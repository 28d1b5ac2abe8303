ALTER TABLE items ADD COLUMN note varchar(255) NULL;
