DROP TABLE volunteer_holdings;
DROP TABLE stock_balances;
DROP TABLE stock_movements;
DROP TABLE materials;
