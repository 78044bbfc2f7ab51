/* bl_partitions.c: bootloader partition table check (0xAA50 entries + MD5 entry) and app choice. */
#include "bootloader.h"

#define MAGIC_ENTRY 0x50AAu /* bytes AA 50 */
#define MAGIC_MD5 0xEBEBu
#define MAGIC_END 0xFFFFu
#define TYPE_APP 0x00u
#define TYPE_DATA 0x01u
#define SUBTYPE_FACTORY 0x00u
#define SUBTYPE_OTA_0 0x10u
#define SUBTYPE_OTA_MAX 0x1Fu
#define SUBTYPE_DATA_OTA 0x00u
#define OTA_SECTOR 0x1000u
#define OTA_STATE_INVALID 3u
#define OTA_STATE_ABORTED 4u

/* The validated table; filled by bl_partitions_load(), which resets it first. */
static struct {
    uint8_t raw[BL_TABLE_MAX];
    unsigned count;
} table;

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint16_t le16(const uint8_t *p) {
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void decode(unsigned index, bl_partition_t *out) {
    const uint8_t *e = table.raw + index * BL_PART_ENTRY_SIZE;
    out->type = e[2];
    out->subtype = e[3];
    out->offset = le32(e + 4);
    out->size = le32(e + 8);
    for (unsigned i = 0; i < 16u; i++) {
        out->label[i] = (char)e[12 + i];
    }
    out->label[16] = '\0';
}

void bl_partitions_load(void) {
    table.count = 0;
    bl_flash_read(BL_TABLE_OFFSET, table.raw, sizeof table.raw);
    int md5_seen = 0;
    unsigned i;
    for (i = 0; i < BL_TABLE_MAX / BL_PART_ENTRY_SIZE; i++) {
        const uint8_t *e = table.raw + i * BL_PART_ENTRY_SIZE;
        uint16_t magic = le16(e);
        if (magic == MAGIC_ENTRY) {
            if (md5_seen) {
                bl_fail_at("partition table: entry after the MD5 entry, index", i);
            }
            bl_partition_t p;
            table.count = i + 1u;
            decode(i, &p);
            if (p.offset < BL_TABLE_OFFSET + BL_TABLE_MAX || p.size == 0u) {
                bl_fail_at("partition table: bad offset/size in entry", i);
            }
            continue;
        }
        if (magic == MAGIC_MD5) {
            uint8_t digest[16];
            bl_md5(table.raw, i * BL_PART_ENTRY_SIZE, digest);
            for (unsigned k = 0; k < 16u; k++) {
                if (digest[k] != e[16 + k]) {
                    bl_fail("partition table at 0x8000: MD5 mismatch (table corrupted)");
                }
            }
            md5_seen = 1;
            continue;
        }
        if (magic == MAGIC_END) {
            break;
        }
        if (i == 0u) {
            bl_fail_at("no partition table at 0x8000: bad magic", magic);
        }
        bl_fail_at("partition table at 0x8000: bad entry magic", magic);
    }
    if (table.count == 0u) {
        bl_fail("partition table at 0x8000 is empty");
    }
    if (!md5_seen) {
        bl_puts("kiln-boot: warning: partition table has no MD5 entry\r\n");
    }
    bl_puts("kiln-boot: partition table ok, ");
    bl_puthex(table.count);
    bl_puts(" entries\r\n");
}

int bl_partition_find(uint8_t type, uint8_t subtype, bl_partition_t *out) {
    for (unsigned i = 0; i < table.count; i++) {
        bl_partition_t p;
        decode(i, &p);
        if (p.type == type && p.subtype == subtype) {
            *out = p;
            return 1;
        }
    }
    return 0;
}

/* One otadata sector: sequence number valid when its CRC matches and the state is usable. */
static uint32_t ota_sequence(uint32_t addr) {
    uint8_t entry[32];
    bl_flash_read(addr, entry, sizeof entry);
    uint32_t seq = le32(entry);
    uint32_t state = le32(entry + 24);
    uint32_t crc = le32(entry + 28);
    if (seq == 0xFFFFFFFFu || seq == 0u) {
        return 0;
    }
    if (bl_crc32_le(0xFFFFFFFFu, entry, 4) != crc) {
        return 0;
    }
    if (state == OTA_STATE_INVALID || state == OTA_STATE_ABORTED) {
        return 0;
    }
    return seq;
}

void bl_partitions_pick_app(bl_partition_t *out) {
    bl_partition_t otadata;
    unsigned ota_count = 0;
    bl_partition_t scratch;
    while (ota_count < 16u && bl_partition_find(TYPE_APP, (uint8_t)(SUBTYPE_OTA_0 + ota_count), &scratch)) {
        ota_count++;
    }
    if (ota_count > 0u && bl_partition_find(TYPE_DATA, SUBTYPE_DATA_OTA, &otadata)) {
        uint32_t a = ota_sequence(otadata.offset);
        uint32_t b = otadata.size >= 2u * OTA_SECTOR ? ota_sequence(otadata.offset + OTA_SECTOR) : 0u;
        uint32_t seq = a > b ? a : b;
        if (seq != 0u) {
            /* Sequence n selects ota_((n - 1) mod count), as the OTA writer numbers them. */
            uint8_t sub = (uint8_t)(SUBTYPE_OTA_0 + (seq - 1u) % ota_count);
            if (bl_partition_find(TYPE_APP, sub, out)) {
                return;
            }
        }
    }
    if (bl_partition_find(TYPE_APP, SUBTYPE_FACTORY, out)) {
        return;
    }
    if (ota_count > 0u && bl_partition_find(TYPE_APP, SUBTYPE_OTA_0, out)) {
        return;
    }
    bl_fail("partition table has no factory or ota_0 app partition");
}

uint32_t bl_crc32_le(uint32_t crc, const uint8_t *data, size_t len) {
    /* Reflected CRC-32 (poly 0xEDB88320), same convention as zlib's crc32(data, crc). */
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (unsigned b = 0; b < 8u; b++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}
