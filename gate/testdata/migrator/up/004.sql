CREATE INDEX items_host ON items (host);
