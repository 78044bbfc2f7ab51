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
#define RTC_CNTL_STORE0 REG32(RTC_CNTL_BASE + 0x50u)
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

/* SYSTEM: CPU clock source and divider. */
#define SYSTEM_BASE 0x600C0000u
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
#define INTMTX_SOURCE_UART0 21u

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

/* Internal SRAM seen through the data bus; the instruction bus sees it 0x700000 higher. */
#define SRAM_DRAM_START 0x3FC80000u
#define SRAM_DRAM_END 0x3FCE0000u
#define SRAM_IRAM_START 0x40380000u
#define SRAM_IRAM_END 0x403E0000u
#define SRAM_I_D_OFFSET 0x700000u

/* hal_exit marks "exit with code" here before the software reset so an emulator can report it. */
#define KILN_EXIT_MAGIC 0x4B4C4E00u
#define KILN_EXIT_MASK 0xFFFFFF00u

#endif
