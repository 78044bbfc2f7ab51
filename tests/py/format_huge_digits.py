# Width and precision with more digits than an int holds (found by tests/fuzz).
for spec in ['{:.99999999999999999999}', '{:99999999999999999999}', '{:>44444444444444444444d}']:
    try:
        print(spec.format(1.5 if 'd' not in spec else 3))
    except ValueError as e:
        print('ValueError', e)
for fmt in ['%.99999999999999999999e', '%99999999999999999999d']:
    try:
        print(fmt % 3)
    except (ValueError, OverflowError, MemoryError) as e:
        print('error', type(e).__name__ in ('ValueError', 'OverflowError', 'MemoryError'))
