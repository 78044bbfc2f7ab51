# Float formatting with precisions beyond a double's digits (padded with zeros, not asked of the C library) and
# the precision-0 forms of the default presentation type.
for spec in ['.3f', '.1200f', '.1200e', '.1105E', '.1500g', '.30', '.1500', '#.5g', '.0', '', '.2%', '.1200%', '10.3f']:
    for v in [1.0, 0.1, -2.5e-300, 1e300, 123456.789]:
        s = format(v, spec)
        print(spec, len(s), s[:40], s[-20:])
print('%.1300f' % 0.5 == format(0.5, '.1300f'))
