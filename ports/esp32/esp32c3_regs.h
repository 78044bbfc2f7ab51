/* esp32c3_regs.h: ESP32-C3 register addresses and bits used by the app and the bootloader (TRM v1.x). */
#ifndef KILN_ESP32C3_REGS_H
#define KILN_ESP32C3_REGS_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* UART0 (TRM ch. UART Controller). */
#define UART0_BASE 0x60000000u
#define UART_FIFO(base) REG32((base) + 0x00u)
#define UART_INT_RAW(base) REG32((base) + 0x04u)
#define UART_INT_ST(base) REG32((base) + 0x08u)
#define UART_INT_ENA(base) REG32((base) + 0x0Cu)
#define UART_INT_CLR(base) REG32((base) + 0x10u)
#define UART_CLKDIV(base) REG32((base) + 0x14u)
#define UART_STATUS(base) REG32((base) + 0x1Cu)
#define UART_CONF0(base) REG32((base) + 0x20u)
#define UART_CONF1(base) REG32((base) + 0x24u)
#define UART_CLK_CONF(base) REG32((base) + 0x78u)
#define UART_ID(base) REG32((base) + 0x80u)
#define UART_INT_RXFIFO_FULL (1u << 0)
#define UART_INT_RXFIFO_TOUT (1u << 8)
#define UART_STATUS_RXCNT(v) ((v) & 0x3FFu)
#define UART_STATUS_TXCNT(v) (((v) >> 16) & 0x3FFu)
#define UART_CONF0_8N1 ((3u << 2) | (1u << 4))
#define UART_CONF0_RXFIFO_RST (1u << 17)
#define UART_CONF0_TXFIFO_RST (1u << 18)
#define UART_CONF1_RX_TOUT_EN (1u << 21)
#define UART_CLK_CONF_SEL_XTAL (3u << 20)
#define UART_CLK_CONF_SCLK_EN (1u << 22)
#define UART_CLK_CONF_TX_EN (1u << 24)
#define UART_CLK_CONF_RX_EN (1u << 25)
#define UART_ID_REG_UPDATE (1u << 31)
#define UART_FIFO_SIZE 128u

/* RTC_CNTL: options (software reset), scratch, RTC watchdog, super watchdog. */
#define RTC_CNTL_BASE 0x60008000u
#define RTC_CNTL_OPTIONS0 REG32(RTC_CNTL_BASE + 0x00u)
#define RTC_CNTL_SW_SYS_RST (1u << 31)
#define RTC_CNTL_RESET_STATE REG32(RTC_CNTL_BASE + 0x38u)
#define RTC_CNTL_RESET_CAUSE_MASK 0x3Fu
#define RTC_CNTL_STORE0 REG32(RTC_CNTL_BASE + 0x50u)
#define RTC_CNTL_WDTCONFIG1 REG32(RTC_CNTL_BASE + 0x94u)
#define RTC_CNTL_OPTION1 REG32(RTC_CNTL_BASE + 0xF4u)
#define RTC_CNTL_FORCE_DOWNLOAD_BOOT (1u << 0)
#define RTC_WDT_FEED (1u << 31)
#define RTC_WDT_STG0_SHIFT 28
#define RTC_WDT_SYS_RESET_LENGTH_SHIFT 13
#define RTC_WDT_CPU_RESET_LENGTH_SHIFT 16
#define RTC_CNTL_WDTCONFIG0 REG32(RTC_CNTL_BASE + 0x90u)
#define RTC_CNTL_WDTFEED REG32(RTC_CNTL_BASE + 0xA4u)
#define RTC_CNTL_WDTWPROTECT REG32(RTC_CNTL_BASE + 0xA8u)
#define RTC_CNTL_SWD_CONF REG32(RTC_CNTL_BASE + 0xACu)
#define RTC_CNTL_SWD_WPROTECT REG32(RTC_CNTL_BASE + 0xB0u)
#define RTC_WDT_EN (1u << 31)
#define RTC_WDT_FLASHBOOT_EN (1u << 12)
#define RTC_WDT_KEY 0x50D83AA1u
#define RTC_SWD_AUTO_FEED_EN (1u << 31)
#define RTC_SWD_KEY 0x8F1D312Au

/* Timer groups 0/1: main system watchdogs (MWDT). */
#define TIMG0_BASE 0x6001F000u
#define TIMG1_BASE 0x60020000u
#define TIMG_WDTCONFIG0(base) REG32((base) + 0x48u)
#define TIMG_WDTFEED(base) REG32((base) + 0x60u)
#define TIMG_WDTWPROTECT(base) REG32((base) + 0x64u)
#define TIMG_WDT_EN (1u << 31)
#define TIMG_WDT_FLASHBOOT_EN (1u << 14)
#define TIMG_WDT_KEY 0x50D83AA1u
#define TIMG_WDTCONFIG1(base) REG32((base) + 0x4Cu)
#define TIMG_WDTCONFIG2(base) REG32((base) + 0x50u)
#define TIMG_WDT_USE_XTAL (1u << 21)
#define TIMG_WDT_CONF_UPDATE (1u << 22)
#define TIMG_WDT_STG0_SHIFT 29
#define TIMG_WDT_SYS_RESET_LENGTH_SHIFT 15
#define TIMG_WDT_CPU_RESET_LENGTH_SHIFT 18
#define TIMG_WDT_DIVCNT_RST (1u << 0)
#define TIMG_WDT_PRESCALE_SHIFT 16

/* SYSTIMER: 52-bit counter at 16 MHz from XTAL, independent of the CPU clock. */
#define SYSTIMER_BASE 0x60023000u
#define SYSTIMER_CONF REG32(SYSTIMER_BASE + 0x00u)
#define SYSTIMER_UNIT0_OP REG32(SYSTIMER_BASE + 0x04u)
#define SYSTIMER_UNIT0_HI REG32(SYSTIMER_BASE + 0x40u)
#define SYSTIMER_UNIT0_LO REG32(SYSTIMER_BASE + 0x44u)
#define SYSTIMER_CONF_CLK_EN (1u << 31)
#define SYSTIMER_CONF_UNIT0_WORK_EN (1u << 30)
#define SYSTIMER_OP_UPDATE (1u << 30)
#define SYSTIMER_OP_VALID (1u << 29)
#define SYSTIMER_HZ 16000000u

/* SYSTEM: peripheral clock gates and resets, CPU clock source and divider. */
#define SYSTEM_BASE 0x600C0000u
#define SYSTEM_PERIP_CLK_EN0 REG32(SYSTEM_BASE + 0x10u)
#define SYSTEM_PERIP_RST_EN0 REG32(SYSTEM_BASE + 0x18u)
#define SYSTEM_CLK_UART0 (1u << 2)
#define SYSTEM_CLK_UART1 (1u << 5)
#define SYSTEM_CLK_SPI2 (1u << 6)
#define SYSTEM_CLK_I2C0 (1u << 7)
#define SYSTEM_CLK_LEDC (1u << 11)
#define SYSTEM_CLK_TIMG0 (1u << 13)
#define SYSTEM_CLK_TIMG1 (1u << 15)
#define SYSTEM_CLK_USB_DEVICE (1u << 23)
#define SYSTEM_CLK_UART_MEM (1u << 24)
#define SYSTEM_CLK_SARADC (1u << 28)
#define SYSTEM_CPU_PER_CONF REG32(SYSTEM_BASE + 0x08u)
#define SYSTEM_SYSCLK_CONF REG32(SYSTEM_BASE + 0x58u)
#define SYSTEM_CPUPERIOD_SEL_MASK 0x3u
#define SYSTEM_CPUPERIOD_80M 0u
#define SYSTEM_CPUPERIOD_160M 1u
#define SYSTEM_PRE_DIV_MASK 0x3FFu
#define SYSTEM_SOC_CLK_SHIFT 10
#define SYSTEM_SOC_CLK_MASK (3u << SYSTEM_SOC_CLK_SHIFT)
#define SYSTEM_SOC_CLK_XTAL 0u
#define SYSTEM_SOC_CLK_PLL 1u
#define SYSTEM_XTAL_MHZ(v) (((v) >> 12) & 0x7Fu)

/* Interrupt matrix: peripheral source map registers and the CPU interrupt controller. */
#define INTMTX_BASE 0x600C2000u
#define INTMTX_MAP(source) REG32(INTMTX_BASE + 4u * (source))
#define INTMTX_CPU_INT_ENABLE REG32(INTMTX_BASE + 0x104u)
#define INTMTX_CPU_INT_TYPE REG32(INTMTX_BASE + 0x108u)
#define INTMTX_CPU_INT_CLEAR REG32(INTMTX_BASE + 0x10Cu)
#define INTMTX_CPU_INT_PRI(n) REG32(INTMTX_BASE + 0x114u + 4u * (n))
#define INTMTX_CPU_INT_THRESH REG32(INTMTX_BASE + 0x194u)
#define INTMTX_SOURCE_GPIO 16u
#define INTMTX_SOURCE_UART0 21u
#define INTMTX_SOURCE_UART1 22u
#define INTMTX_SOURCE_USB_DEVICE 26u
#define INTMTX_SOURCE_TG0_T0 32u
#define INTMTX_SOURCE_TG1_T0 34u
#define INTMTX_SOURCES 62u

/* External memory: ICache control and the flash MMU (64 KiB pages, shared by IBUS and DBUS). */
#define EXTMEM_BASE 0x600C4000u
#define EXTMEM_ICACHE_CTRL REG32(EXTMEM_BASE + 0x00u)
#define EXTMEM_ICACHE_CTRL1 REG32(EXTMEM_BASE + 0x04u)
#define EXTMEM_ICACHE_SYNC_CTRL REG32(EXTMEM_BASE + 0x28u)
#define EXTMEM_ICACHE_ENABLE (1u << 0)
#define EXTMEM_SHUT_IBUS (1u << 0)
#define EXTMEM_SHUT_DBUS (1u << 1)
#define EXTMEM_INVALIDATE_ENA (1u << 0)
#define EXTMEM_SYNC_DONE (1u << 1)
#define MMU_TABLE_BASE 0x600C5000u
#define MMU_ENTRY(i) REG32(MMU_TABLE_BASE + 4u * (i))
#define MMU_ENTRIES 128u
#define MMU_PAGE_SIZE 0x10000u
#define MMU_INVALID (1u << 8)
#define MMU_PAGE_MASK 0xFFu
#define IROM_BASE 0x42000000u
#define DROM_BASE 0x3C000000u
#define EXTMEM_WINDOW_SIZE 0x00800000u

/* GPIO matrix: simple GPIO out/in, per-pin pad and interrupt config, peripheral signal routing. */
#define GPIO_BASE 0x60004000u
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
#define GPIO_IN_SEL_INV (1u << 5)
#define GPIO_OUT_SEL_GPIO 128u
#define GPIO_OUT_SEL_OEN_GPIO (1u << 9)
#define GPIO_PIN_COUNT 22u
/* GPIO12..17 drive the SPI flash on C3 modules. */
#define GPIO_FLASH_PIN_FIRST 12u
#define GPIO_FLASH_PIN_LAST 17u

/* GPIO matrix signal numbers (TRM, "Peripheral Signal List"). */
#define SIG_U0RXD 6u
#define SIG_U0TXD 6u
#define SIG_U1RXD 9u
#define SIG_U1TXD 9u
#define SIG_LEDC_LS0 45u
#define SIG_I2C0_SCL 53u
#define SIG_I2C0_SDA 54u
#define SIG_FSPICLK 63u
#define SIG_FSPIQ 64u
#define SIG_FSPID 65u

/* IO_MUX: pad function select, pulls, input enable, drive strength (one register per pad). */
#define IO_MUX_BASE 0x60009000u
#define IO_MUX_GPIO(n) REG32(IO_MUX_BASE + 0x04u + 4u * (n))
#define IO_MUX_FUN_WPD (1u << 7)
#define IO_MUX_FUN_WPU (1u << 8)
#define IO_MUX_FUN_IE (1u << 9)
#define IO_MUX_FUN_DRV_SHIFT 10
#define IO_MUX_FUN_DRV_MASK (3u << 10)
#define IO_MUX_MCU_SEL_SHIFT 12
#define IO_MUX_MCU_SEL_MASK (7u << 12)
#define IO_MUX_FUNC_GPIO 1u

/* eFuse read-back registers: BLOCK1 holds the factory MAC (48 bits, low word first). */
#define EFUSE_BASE 0x60008800u
#define EFUSE_RD_MAC_SPI_SYS_0 REG32(EFUSE_BASE + 0x44u)
#define EFUSE_RD_MAC_SPI_SYS_1 REG32(EFUSE_BASE + 0x48u)

/* Internal SRAM seen through the data bus; the instruction bus sees it 0x700000 higher. */
#define SRAM_DRAM_START 0x3FC80000u
#define SRAM_DRAM_END 0x3FCE0000u
#define SRAM_IRAM_START 0x40380000u
#define SRAM_IRAM_END 0x403E0000u
#define SRAM_I_D_OFFSET 0x700000u

/* hal_exit marks "exit with code" here before the software reset so an emulator can report it. */
#define KILN_EXIT_MAGIC 0x4B4C4E00u
#define KILN_EXIT_MASK 0xFFFFFF00u

/* ---- The chip-neutral names the shared HAL and bootloader use (esp32c6_regs.h has its own). ---- */
#define SOC_IMAGE_CHIP_ID 0x0005u
#define SOC_RTC_WDT_CONFIG0 RTC_CNTL_WDTCONFIG0
#define SOC_RTC_WDT_WPROTECT RTC_CNTL_WDTWPROTECT
#define SOC_SWD_CONF RTC_CNTL_SWD_CONF
#define SOC_SWD_WPROTECT RTC_CNTL_SWD_WPROTECT
#define SOC_SWD_AUTO_FEED_EN RTC_SWD_AUTO_FEED_EN
#define SOC_SWD_KEY RTC_SWD_KEY
#define SOC_EXIT_STORE RTC_CNTL_STORE0
#define SOC_UART_SOURCE(id) ((id) == 0u ? INTMTX_SOURCE_UART0 : INTMTX_SOURCE_UART1)
/* The movable window the bootloader reads flash through: the last MMU entry, seen via DROM. */
#define SOC_MMU_ENTRIES MMU_ENTRIES
#define SOC_MMU_WINDOW_ENTRY (MMU_ENTRIES - 1u)
#define SOC_MMU_WINDOW_VADDR (DROM_BASE + (MMU_ENTRIES - 1u) * MMU_PAGE_SIZE)
#define SOC_CACHE_SPINS 100000u

static inline void soc_software_reset(void) {
    RTC_CNTL_OPTIONS0 |= RTC_CNTL_SW_SYS_RST;
}

/* IROM and DROM index one 128-entry table: entry = offset in the window / 64 KiB. */
static inline uint32_t soc_mmu_entry_of(uint32_t vaddr) {
    return (vaddr - (vaddr >= IROM_BASE ? IROM_BASE : DROM_BASE)) / MMU_PAGE_SIZE;
}

static inline void soc_mmu_set(uint32_t entry, uint32_t page) {
    MMU_ENTRY(entry) = page & MMU_PAGE_MASK;
}

static inline void soc_mmu_clear(uint32_t entry) {
    MMU_ENTRY(entry) = MMU_INVALID;
}

/* The flash page an entry maps, or -1 when it is invalid. */
static inline int32_t soc_mmu_page(uint32_t entry) {
    uint32_t value = MMU_ENTRY(entry);
    return (value & MMU_INVALID) ? -1 : (int32_t)(value & MMU_PAGE_MASK);
}

/* Drops every cache line; bounded, in case the hardware never reports completion. */
static inline void soc_cache_invalidate(void) {
    EXTMEM_ICACHE_SYNC_CTRL = EXTMEM_INVALIDATE_ENA;
    for (unsigned i = 0; i < SOC_CACHE_SPINS && (EXTMEM_ICACHE_SYNC_CTRL & EXTMEM_INVALIDATE_ENA) != 0u; i++) {
    }
}

static inline void soc_cache_enable(void) {
    EXTMEM_ICACHE_CTRL |= EXTMEM_ICACHE_ENABLE;
    EXTMEM_ICACHE_CTRL1 &= ~(EXTMEM_SHUT_IBUS | EXTMEM_SHUT_DBUS);
}

/* CPU interrupt lines: all but 0 usable; the interrupt matrix registers alone enable them. */
static inline int soc_intc_line_usable(unsigned line) {
    return line != 0u && line < 32u;
}

static inline void soc_intc_line_on(unsigned line) {
    (void)line;
}

#endif
