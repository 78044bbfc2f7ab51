/* esp32c6_regs.h: ESP32-C6 registers the shared HAL and bootloader use, under the names the C3 header gives them. */
#ifndef KILN_ESP32C6_REGS_H
#define KILN_ESP32C6_REGS_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* UART0/1 (C6 TRM, UART Controller): same FIFO/interrupt layout as the C3, 8-bit FIFO counts,
   core clock from PCR, configuration synchronised through UART_REG_UPDATE. */
#define UART0_BASE 0x60000000u
#define UART1_BASE 0x60001000u
#define UART_FIFO(base) REG32((base) + 0x00u)
#define UART_INT_RAW(base) REG32((base) + 0x04u)
#define UART_INT_ST(base) REG32((base) + 0x08u)
#define UART_INT_ENA(base) REG32((base) + 0x0Cu)
#define UART_INT_CLR(base) REG32((base) + 0x10u)
#define UART_CLKDIV(base) REG32((base) + 0x14u)
#define UART_STATUS(base) REG32((base) + 0x1Cu)
#define UART_CONF0(base) REG32((base) + 0x20u)
#define UART_CONF1(base) REG32((base) + 0x24u)
#define UART_REG_UPDATE(base) REG32((base) + 0x98u)
#define UART_INT_RXFIFO_FULL (1u << 0)
#define UART_INT_RXFIFO_TOUT (1u << 8)
#define UART_STATUS_RXCNT(v) ((v) & 0xFFu)
#define UART_STATUS_TXCNT(v) (((v) >> 16) & 0xFFu)
#define UART_CONF0_8N1 ((3u << 2) | (1u << 4))
#define UART_CONF0_RXFIFO_RST (1u << 22)
#define UART_CONF0_TXFIFO_RST (1u << 23)
#define UART_REG_UPDATE_BIT (1u << 0)
#define UART_FIFO_SIZE 128u

/* PCR: per-peripheral clock/reset and the system clock tree. */
#define PCR_BASE 0x60096000u
#define PCR_UART_CONF(id) REG32(PCR_BASE + 0x00u + 0x0Cu * (id))
#define PCR_UART_SCLK_CONF(id) REG32(PCR_BASE + 0x04u + 0x0Cu * (id))
#define PCR_UART_CLK_EN (1u << 0)
#define PCR_UART_RST_EN (1u << 1)
#define PCR_UART_SCLK_DIV_NUM_SHIFT 12
#define PCR_UART_SCLK_SEL_SHIFT 20
#define PCR_UART_SCLK_SEL_MASK (3u << 20)
#define PCR_UART_SCLK_SEL_XTAL 3u
#define PCR_UART_SCLK_EN (1u << 22)
#define PCR_SYSCLK_CONF REG32(PCR_BASE + 0x110u)
#define PCR_CPU_FREQ_CONF REG32(PCR_BASE + 0x118u)
#define PCR_SOC_CLK_SEL(v) (((v) >> 16) & 3u) /* 0 XTAL, 1 SPLL (480 MHz), 2 RC_FAST */
#define PCR_HS_DIV_NUM(v) (((v) >> 8) & 0xFFu)
#define PCR_LS_DIV_NUM(v) ((v) & 0xFFu)
#define PCR_XTAL_MHZ(v) (((v) >> 24) & 0x7Fu)
#define PCR_CPU_HS_DIV_NUM(v) (((v) >> 8) & 0xFFu)
#define PCR_CPU_LS_DIV_NUM(v) ((v) & 0xFFu)
#define PCR_CPU_HS_120M_FORCE (1u << 16)

/* LP_AON: retention scratch registers and the system reset / forced-download options. */
#define LP_AON_BASE 0x600B1000u
#define LP_AON_STORE0 REG32(LP_AON_BASE + 0x00u)
#define LP_AON_SYS_CFG REG32(LP_AON_BASE + 0x34u)
#define LP_AON_FORCE_DOWNLOAD_BOOT (1u << 30)
#define LP_AON_HPSYS_SW_RESET (1u << 31)

/* LP_WDT: the RTC watchdog and the super watchdog of the low-power domain. */
#define LP_WDT_BASE 0x600B1C00u
#define LP_WDT_CONFIG0 REG32(LP_WDT_BASE + 0x00u)
#define LP_WDT_WPROTECT REG32(LP_WDT_BASE + 0x18u)
#define LP_WDT_SWD_CONF REG32(LP_WDT_BASE + 0x1Cu)
#define LP_WDT_SWD_WPROTECT REG32(LP_WDT_BASE + 0x20u)
#define RTC_WDT_EN (1u << 31)
#define RTC_WDT_FLASHBOOT_EN (1u << 12)
#define RTC_WDT_KEY 0x50D83AA1u

/* Timer groups 0/1: the main system watchdogs sit at the C3's offsets. */
#define TIMG0_BASE 0x60008000u
#define TIMG1_BASE 0x60009000u
#define TIMG_WDTCONFIG0(base) REG32((base) + 0x48u)
#define TIMG_WDTFEED(base) REG32((base) + 0x60u)
#define TIMG_WDTWPROTECT(base) REG32((base) + 0x64u)
#define TIMG_WDT_EN (1u << 31)
#define TIMG_WDT_FLASHBOOT_EN (1u << 14)
#define TIMG_WDT_KEY 0x50D83AA1u

/* SYSTIMER: 52-bit counter at 16 MHz from XTAL, the C3's register layout at a new base. */
#define SYSTIMER_BASE 0x6000A000u
#define SYSTIMER_CONF REG32(SYSTIMER_BASE + 0x00u)
#define SYSTIMER_UNIT0_OP REG32(SYSTIMER_BASE + 0x04u)
#define SYSTIMER_UNIT0_HI REG32(SYSTIMER_BASE + 0x40u)
#define SYSTIMER_UNIT0_LO REG32(SYSTIMER_BASE + 0x44u)
#define SYSTIMER_CONF_CLK_EN (1u << 31)
#define SYSTIMER_CONF_UNIT0_WORK_EN (1u << 30)
#define SYSTIMER_OP_UPDATE (1u << 30)
#define SYSTIMER_OP_VALID (1u << 29)
#define SYSTIMER_HZ 16000000u

/* Interrupt matrix (source -> CPU line) and the HP CPU's PLIC-style line controller (MX = machine
   mode): enable/type/clear/priority/threshold per line. Lines 0, 3, 4 and 7 belong to the CLINT. */
#define INTMTX_BASE 0x60010000u
#define INTMTX_MAP(source) REG32(INTMTX_BASE + 4u * (source))
#define INTMTX_SOURCES 77u
#define INTMTX_SOURCE_UART0 43u
#define INTMTX_SOURCE_UART1 44u
#define PLIC_MX_BASE 0x20001000u
#define INTMTX_CPU_INT_ENABLE REG32(PLIC_MX_BASE + 0x00u)
#define INTMTX_CPU_INT_TYPE REG32(PLIC_MX_BASE + 0x04u)
#define INTMTX_CPU_INT_CLEAR REG32(PLIC_MX_BASE + 0x08u)
#define INTMTX_CPU_INT_PRI(n) REG32(PLIC_MX_BASE + 0x10u + 4u * (n))
#define INTMTX_CPU_INT_THRESH REG32(PLIC_MX_BASE + 0x90u)

/* Flash MMU (256 entries of 64 KiB behind SPI0's index/content registers) and the L1 cache. One
   16 MiB window: code (IROM) in its lower half, read-only data (DROM) in its upper half. */
#define SPI0_BASE 0x60002000u
#define SPI0_MMU_ITEM_CONTENT REG32(SPI0_BASE + 0x37Cu)
#define SPI0_MMU_ITEM_INDEX REG32(SPI0_BASE + 0x380u)
#define MMU_ENTRIES 256u
#define MMU_PAGE_SIZE 0x10000u
#define MMU_VALID (1u << 9)
#define MMU_PAGE_MASK 0x1FFu
#define IROM_BASE 0x42000000u
#define DROM_BASE 0x42800000u
#define EXTMEM_WINDOW_SIZE 0x00800000u
#define CACHE_BASE 0x600C8000u
#define CACHE_L1_CACHE_CTRL REG32(CACHE_BASE + 0x04u)
#define CACHE_SYNC_CTRL REG32(CACHE_BASE + 0x98u)
#define CACHE_SYNC_MAP REG32(CACHE_BASE + 0x9Cu)
#define CACHE_SYNC_ADDR REG32(CACHE_BASE + 0xA0u)
#define CACHE_SYNC_SIZE REG32(CACHE_BASE + 0xA4u)
#define CACHE_SHUT_BUS0 (1u << 0)
#define CACHE_SHUT_BUS1 (1u << 1)
#define CACHE_INVALIDATE_ENA (1u << 0)
#define CACHE_SYNC_DONE (1u << 4)
#define CACHE_SYNC_MAP_ALL 0x1Fu

/* GPIO matrix (C6 TRM, IO MUX and GPIO Matrix): the C3's register layout at a new base, 31 pads. */
#define GPIO_BASE 0x60091000u
#define GPIO_OUT REG32(GPIO_BASE + 0x04u)
#define GPIO_OUT_W1TS REG32(GPIO_BASE + 0x08u)
#define GPIO_OUT_W1TC REG32(GPIO_BASE + 0x0Cu)
#define GPIO_ENABLE REG32(GPIO_BASE + 0x20u)
#define GPIO_ENABLE_W1TS REG32(GPIO_BASE + 0x24u)
#define GPIO_ENABLE_W1TC REG32(GPIO_BASE + 0x28u)
#define GPIO_IN REG32(GPIO_BASE + 0x3Cu)
#define GPIO_STATUS REG32(GPIO_BASE + 0x44u)
#define GPIO_STATUS_W1TC REG32(GPIO_BASE + 0x4Cu)
#define GPIO_PIN(n) REG32(GPIO_BASE + 0x74u + 4u * (n))
#define GPIO_FUNC_IN_SEL(signal) REG32(GPIO_BASE + 0x154u + 4u * (signal))
#define GPIO_FUNC_OUT_SEL(pin) REG32(GPIO_BASE + 0x554u + 4u * (pin))
#define GPIO_PIN_PAD_DRIVER (1u << 2)
#define GPIO_PIN_INT_TYPE_SHIFT 7
#define GPIO_PIN_INT_TYPE_MASK (7u << 7)
#define GPIO_PIN_INT_ENA_CPU (1u << 13)
#define GPIO_PIN_INT_ENA_MASK (0x1Fu << 13)
#define GPIO_IN_SEL_MATRIX (1u << 6)
#define GPIO_OUT_SEL_GPIO 128u
#define GPIO_OUT_SEL_OEN_GPIO (1u << 9)
#define GPIO_PIN_COUNT 31u
/* GPIO24..30 are the SPI flash pads (SPICS0, SPIQ, SPIWP, VDD_SPI, SPIHD, SPICLK, SPID) on C6 modules. */
#define GPIO_FLASH_PIN_FIRST 24u
#define GPIO_FLASH_PIN_LAST 30u
/* IO_MUX: PIN_CTRL at +0, then one register per pad (same fields as the C3). */
#define IO_MUX_BASE 0x60090000u
#define IO_MUX_GPIO(n) REG32(IO_MUX_BASE + 0x04u + 4u * (n))
#define IO_MUX_FUN_WPD (1u << 7)
#define IO_MUX_FUN_WPU (1u << 8)
#define IO_MUX_FUN_IE (1u << 9)
#define IO_MUX_FUN_DRV_SHIFT 10
#define IO_MUX_FUN_DRV_MASK (3u << 10)
#define IO_MUX_MCU_SEL_SHIFT 12
#define IO_MUX_MCU_SEL_MASK (7u << 12)
#define IO_MUX_FUNC_GPIO 1u

/* eFuse read-back: BLOCK1's factory MAC, as on the C3 (low word first). */
#define EFUSE_BASE 0x600B0800u
#define EFUSE_RD_MAC_SPI_SYS_0 REG32(EFUSE_BASE + 0x44u)
#define EFUSE_RD_MAC_SPI_SYS_1 REG32(EFUSE_BASE + 0x48u)

/* HP SRAM: one 512 KiB address space for code and data (no IRAM/DRAM aliases). */
#define SRAM_DRAM_START 0x40800000u
#define SRAM_DRAM_END 0x40880000u
#define SRAM_IRAM_START 0x40800000u
#define SRAM_IRAM_END 0x40880000u
#define SRAM_I_D_OFFSET 0x0u

#define KILN_EXIT_MAGIC 0x4B4C4E00u
#define KILN_EXIT_MASK 0xFFFFFF00u

/* ---- The chip-neutral names the shared HAL and bootloader use. ---- */
#define SOC_IMAGE_CHIP_ID 0x000Du
#define SOC_RTC_WDT_CONFIG0 LP_WDT_CONFIG0
#define SOC_RTC_WDT_WPROTECT LP_WDT_WPROTECT
#define SOC_SWD_CONF LP_WDT_SWD_CONF
#define SOC_SWD_WPROTECT LP_WDT_SWD_WPROTECT
#define SOC_SWD_AUTO_FEED_EN (1u << 18)
#define SOC_SWD_KEY 0x50D83AA1u
#define SOC_EXIT_STORE LP_AON_STORE0
#define SOC_UART_SOURCE(id) ((id) == 0u ? INTMTX_SOURCE_UART0 : INTMTX_SOURCE_UART1)
#define SOC_MMU_ENTRIES MMU_ENTRIES
#define SOC_MMU_WINDOW_ENTRY (MMU_ENTRIES - 1u)
#define SOC_MMU_WINDOW_VADDR (IROM_BASE + (MMU_ENTRIES - 1u) * MMU_PAGE_SIZE)
#define SOC_CACHE_SPINS 100000u

static inline void soc_software_reset(void) {
    LP_AON_SYS_CFG |= LP_AON_HPSYS_SW_RESET;
}

static inline uint32_t soc_mmu_entry_of(uint32_t vaddr) {
    return (vaddr - IROM_BASE) / MMU_PAGE_SIZE;
}

static inline void soc_mmu_set(uint32_t entry, uint32_t page) {
    SPI0_MMU_ITEM_INDEX = entry;
    SPI0_MMU_ITEM_CONTENT = (page & 0xFFu) | MMU_VALID;
}

static inline void soc_mmu_clear(uint32_t entry) {
    SPI0_MMU_ITEM_INDEX = entry;
    SPI0_MMU_ITEM_CONTENT = 0;
}

static inline int32_t soc_mmu_page(uint32_t entry) {
    SPI0_MMU_ITEM_INDEX = entry;
    uint32_t value = SPI0_MMU_ITEM_CONTENT;
    return (value & MMU_VALID) ? (int32_t)(value & 0xFFu) : -1;
}

/* Invalidates the whole flash window in every L1 cache; bounded like every hardware wait. */
static inline void soc_cache_invalidate(void) {
    CACHE_SYNC_MAP = CACHE_SYNC_MAP_ALL;
    CACHE_SYNC_ADDR = IROM_BASE;
    CACHE_SYNC_SIZE = 2u * EXTMEM_WINDOW_SIZE;
    CACHE_SYNC_CTRL = CACHE_INVALIDATE_ENA;
    for (unsigned i = 0; i < SOC_CACHE_SPINS && (CACHE_SYNC_CTRL & CACHE_SYNC_DONE) == 0u; i++) {
    }
}

static inline void soc_cache_enable(void) {
    CACHE_L1_CACHE_CTRL &= ~(CACHE_SHUT_BUS0 | CACHE_SHUT_BUS1);
}

static inline int soc_intc_line_usable(unsigned line) {
    return line != 0u && line != 3u && line != 4u && line != 7u && line < 32u;
}

/* The C6 core also gates each external line with its bit in the mie CSR. */
static inline void soc_intc_line_on(unsigned line) {
    uint32_t bit = 1u << line;
    __asm__ volatile("csrs mie, %0" ::"r"(bit));
}

#endif
