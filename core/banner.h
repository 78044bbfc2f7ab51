/* banner.h: the boot banner, built from the rendered board config. */
#ifndef KILN_BANNER_H
#define KILN_BANNER_H

/* Writes "Kiln <version> on <board>; <product> with <mcu> at <MHz> MHz\r\n" to the console. */
void kiln_print_banner(void);

#endif
