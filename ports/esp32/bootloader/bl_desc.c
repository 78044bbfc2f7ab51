/* bl_desc.c: the 80-byte bootloader description esptool expects at the start of its DRAM segment. */
#include <stdint.h>

/* Layout from the documented ESP bootloader image format ("bootloader description"). */
struct kiln_bootloader_desc {
    uint8_t magic;
    uint8_t reserved[3];
    uint32_t version;
    char sdk_version[32];
    char date_time[24];
    uint32_t reserved2[4];
};

_Static_assert(sizeof(struct kiln_bootloader_desc) == 80, "bootloader description must be 80 bytes");

__attribute__((section(".data_bootloader_desc"), used)) const struct kiln_bootloader_desc kiln_bootloader_desc = {
    .magic = 0x50u,
    .version = 1u,
    .sdk_version = "kiln",
};
