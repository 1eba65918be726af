-- Demo products: what a fresh system sells. Amounts are in cents.
insert into product (sku, name, price_amount, currency) values
    ('TSR-MUG-001',    'Tessera mug',               1290, 'EUR'),
    ('TSR-TEE-002',    'Tessera T-shirt',           2490, 'EUR'),
    ('TSR-HOOD-003',   'Tessera hoodie',            5990, 'EUR'),
    ('TSR-STICK-004',  'Sticker pack',               450, 'EUR'),
    ('TSR-BOOK-005',   'Scaling from one to many',  3900, 'EUR'),
    ('TSR-CAP-006',    'Tessera cap',               1990, 'EUR');
