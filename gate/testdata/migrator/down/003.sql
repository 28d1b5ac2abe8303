UPDATE items SET host = TRIM(TRAILING '.' FROM host);
