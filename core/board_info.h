/* board_info.h: the board's identity strings, rendered per board into gen/board_info.c. As data rather than
   board_config.h macros, so the core files that print them (banner, sys) compile once for every board. */
#ifndef KILN_BOARD_INFO_H
#define KILN_BOARD_INFO_H

extern const char kiln_board_id[];
extern const char kiln_board_variant[]; /* "" for the default variant */
extern const char kiln_board_product[];
extern const char kiln_mcu_name[];

#endif
