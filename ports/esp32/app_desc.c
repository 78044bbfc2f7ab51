/* app_desc.c: the 256-byte application description esptool expects at the start of DROM. */
#include <stdint.h>

#include "board_config.h"

/* Layout from the documented ESP app image format ("application description"). */
struct kiln_app_desc {
    uint32_t magic;
    uint32_t secure_version;
    uint32_t reserved1[2];
    char version[32];
    char project_name[32];
    char time[16];
    char date[16];
    char sdk_version[32];
    uint8_t elf_sha256[32];
    uint16_t min_efuse_blk_rev;
    uint16_t max_efuse_blk_rev;
    uint8_t mmu_page_size_log2;
    uint8_t reserved3[3];
    uint32_t reserved2[18];
};

_Static_assert(sizeof(struct kiln_app_desc) == 256, "app description must be 256 bytes");

/* No build time or date: images stay reproducible. */
__attribute__((section(".rodata_desc"), used)) const struct kiln_app_desc kiln_app_desc = {
    .magic = 0xABCD5432u,
    .version = KILN_VERSION,
    .project_name = "kiln-" KILN_BOARD_ID,
    .sdk_version = "kiln",
    .max_efuse_blk_rev = 0xFFFFu,
    .mmu_page_size_log2 = 16,
};
