print(abs(-7), abs(-7.5), abs(3 + 4j), round(7.5), round(8.5), round(-0.5), round(2.345, 1), round(15, -1), round(25, -1))
print(divmod(-7, 2), divmod(7, -2), divmod(7.5, 2), divmod(0, 5), pow(7, 2, 5), pow(-2, 3), pow(2, -2))
