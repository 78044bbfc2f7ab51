/* rp2040.h: RP2040 register addresses and bit fields used by Kiln (from the RP2040 datasheet). */
#ifndef KILN_RP2040_H
#define KILN_RP2040_H

/* Plain integer constants only above the C section, so boot2 and the bootrom stand-in (.S) can
 * include this file too. */

/* Memory map */
#define XIP_BASE 0x10000000u
#define SRAM_BASE 0x20000000u
#define SRAM_END 0x20042000u
#define BOOT2_SRAM_ADDR 0x20041f00u /* where the bootrom copies flash[0:256] */
#define APP_VECTORS_ADDR 0x10000100u /* the application's vector table, right after boot2 */

/* Atomic register aliases of APB/AHB-lite peripherals (not SIO, not PPB). */
#define REG_ALIAS_XOR 0x1000u
#define REG_ALIAS_SET 0x2000u
#define REG_ALIAS_CLR 0x3000u

#define ROM_BASE 0x00000000u
#define XIP_NOCACHE_NOALLOC_BASE 0x13000000u
#define XIP_CTRL_BASE 0x14000000u
#define XIP_SSI_BASE 0x18000000u
#define SYSINFO_BASE 0x40000000u
#define CLOCKS_BASE 0x40008000u
#define RESETS_BASE 0x4000c000u
#define PSM_BASE 0x40010000u
#define IO_BANK0_BASE 0x40014000u
#define IO_QSPI_BASE 0x40018000u
#define PADS_BANK0_BASE 0x4001c000u
#define PADS_QSPI_BASE 0x40020000u
#define XOSC_BASE 0x40024000u
#define PLL_SYS_BASE 0x40028000u
#define PLL_USB_BASE 0x4002c000u
#define UART0_BASE 0x40034000u
#define UART1_BASE 0x40038000u
#define SPI0_BASE 0x4003c000u
#define SPI1_BASE 0x40040000u
#define I2C0_BASE 0x40044000u
#define I2C1_BASE 0x40048000u
#define ADC_BASE 0x4004c000u
#define PWM_BASE 0x40050000u
#define TIMER_BASE 0x40054000u
#define WATCHDOG_BASE 0x40058000u
#define VREG_AND_CHIP_RESET_BASE 0x40064000u
#define USBCTRL_DPRAM_BASE 0x50100000u
#define USBCTRL_REGS_BASE 0x50110000u
#define SIO_BASE 0xd0000000u
#define PPB_BASE 0xe0000000u

/* XIP_SSI (Synopsys DW_apb_ssi in XIP mode) */
#define SSI_CTRLR0 0x00
#define SSI_CTRLR1 0x04
#define SSI_SSIENR 0x08
#define SSI_SER 0x10
#define SSI_BAUDR 0x14
#define SSI_SR 0x28
#define SSI_DR0 0x60
#define SSI_RX_SAMPLE_DLY 0xf0
#define SSI_SPI_CTRLR0 0xf4
#define SSI_CTRLR0_TMOD_LSB 8
#define SSI_CTRLR0_TMOD_TX_RX 0
#define SSI_CTRLR0_TMOD_EEPROM_READ 3
#define SSI_CTRLR0_DFS_32_LSB 16
#define SSI_CTRLR0_SPI_FRF_LSB 21
#define SSI_CTRLR0_SPI_FRF_STD 0
#define SSI_CTRLR0_SPI_FRF_QUAD 2
#define SSI_SR_BUSY 0x01
#define SSI_SR_TFNF 0x02
#define SSI_SR_TFE 0x04
#define SSI_SR_RFNE 0x08
#define SSI_SPI_CTRLR0_TRANS_1C1A 0 /* instruction and address on one line */
#define SSI_SPI_CTRLR0_TRANS_1C2A 1 /* instruction on one line, address on SPI_FRF lines */
#define SSI_SPI_CTRLR0_TRANS_2C2A 2 /* both on SPI_FRF lines */
#define SSI_SPI_CTRLR0_ADDR_L_LSB 2 /* in units of 4 bits */
#define SSI_SPI_CTRLR0_INST_L_LSB 8
#define SSI_SPI_CTRLR0_INST_L_NONE 0
#define SSI_SPI_CTRLR0_INST_L_8 2
#define SSI_SPI_CTRLR0_WAIT_LSB 11
#define SSI_SPI_CTRLR0_XIP_CMD_LSB 24

/* IO_QSPI: per-pin STATUS/CTRL pairs; SS is the flash chip select (and the BOOTSEL button) */
#define IO_QSPI_SS_CTRL 0x0c
#define IO_OVER_NORMAL 0u
#define IO_OVER_INVERT 1u
#define IO_OVER_LOW 2u
#define IO_OVER_HIGH 3u
#define IO_CTRL_OUTOVER_LSB 8
#define IO_CTRL_OEOVER_LSB 12

/* XIP_CTRL (the XIP cache) */
#define XIP_CTRL_FLUSH 0x04
#define XIP_CTRL_STAT 0x08
#define XIP_STAT_FLUSH_READY 0x01

/* PADS_BANK0 / PADS_QSPI pad control bits */
#define PADS_QSPI_SCLK 0x04
#define PADS_QSPI_SD0 0x08
#define PADS_QSPI_SD1 0x0c
#define PADS_QSPI_SD2 0x10
#define PADS_QSPI_SD3 0x14
#define PADS_SLEWFAST 0x01
#define PADS_SCHMITT 0x02
#define PADS_PDE 0x04
#define PADS_PUE 0x08
#define PADS_DRIVE_4MA 0x10
#define PADS_DRIVE_8MA 0x20
#define PADS_IE 0x40
#define PADS_OD 0x80

/* System control block (PPB) */
#define PPB_NVIC_ISER 0xe000e100u
#define PPB_NVIC_ICER 0xe000e180u
#define PPB_NVIC_ICPR 0xe000e280u
#define PPB_VTOR 0xe000ed08u
#define PPB_AIRCR 0xe000ed0cu
#define AIRCR_VECTKEY 0x05fa0000u
#define AIRCR_SYSRESETREQ 0x00000004u

/* Watchdog scratch words Kiln uses to tell an emulator (or the next boot) why the chip reset.
 * SCRATCH4..7 belong to the bootrom's watchdog-boot protocol; Kiln only touches 0..2. */
#define WATCHDOG_CTRL 0x00
#define WATCHDOG_SCRATCH0 0x0c
#define WATCHDOG_SCRATCH1 0x10
#define WATCHDOG_SCRATCH2 0x14
#define WATCHDOG_TICK 0x2c
#define WATCHDOG_CTRL_TRIGGER 0x80000000u
#define WATCHDOG_TICK_ENABLE 0x200u
#define KILN_RP2_SCRATCH_EXIT 0x4b4c4558u  /* "KLEX": hal_exit(); SCRATCH1 = exit code */
#define KILN_RP2_SCRATCH_FAULT 0x4b4c4654u /* "KLFT": fault; SCRATCH1 = PC, SCRATCH2 = exception */

/* Breakpoint numbers of the test bootrom: boot2's CRC is wrong; reset_usb_boot was called. */
#define KILN_RP2_BKPT_BAD_BOOT2 0x42
#define KILN_RP2_BKPT_USB_BOOT 0x43

#ifndef __ASSEMBLER__

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
/* Atomic set/clear of bits in a peripheral register, safe against the other core and IRQs. */
#define REG_SET(addr, bits) (REG32((uintptr_t)(addr) + REG_ALIAS_SET) = (bits))
#define REG_CLR(addr, bits) (REG32((uintptr_t)(addr) + REG_ALIAS_CLR) = (bits))

/* RESETS */
#define RESETS_RESET (RESETS_BASE + 0x0u)
#define RESETS_RESET_DONE (RESETS_BASE + 0x8u)
#define RESET_ADC (1u << 0)
#define RESET_I2C0 (1u << 3)
#define RESET_I2C1 (1u << 4)
#define RESET_IO_BANK0 (1u << 5)
#define RESET_IO_QSPI (1u << 6)
#define RESET_PADS_BANK0 (1u << 8)
#define RESET_PADS_QSPI (1u << 9)
#define RESET_PLL_SYS (1u << 12)
#define RESET_PLL_USB (1u << 13)
#define RESET_PWM (1u << 14)
#define RESET_SPI0 (1u << 16)
#define RESET_SPI1 (1u << 17)
#define RESET_SYSCFG (1u << 18)
#define RESET_TIMER (1u << 21)
#define RESET_UART0 (1u << 22)
#define RESET_UART1 (1u << 23)
#define RESET_USBCTRL (1u << 24)
#define RESET_ALL 0x01ffffffu

/* PSM: which power domains a watchdog reset restarts */
#define PSM_WDSEL (PSM_BASE + 0x8u)
#define PSM_ALL 0x0001ffffu
#define PSM_ROSC (1u << 0)
#define PSM_XOSC (1u << 1)

/* CLOCKS */
#define CLK_REF_CTRL (CLOCKS_BASE + 0x30u)
#define CLK_REF_DIV (CLOCKS_BASE + 0x34u)
#define CLK_REF_SELECTED (CLOCKS_BASE + 0x38u)
#define CLK_SYS_CTRL (CLOCKS_BASE + 0x3cu)
#define CLK_SYS_DIV (CLOCKS_BASE + 0x40u)
#define CLK_SYS_SELECTED (CLOCKS_BASE + 0x44u)
#define CLK_PERI_CTRL (CLOCKS_BASE + 0x48u)
#define CLK_USB_CTRL (CLOCKS_BASE + 0x54u)
#define CLK_USB_DIV (CLOCKS_BASE + 0x58u)
#define CLK_ADC_CTRL (CLOCKS_BASE + 0x60u)
#define CLK_ADC_DIV (CLOCKS_BASE + 0x64u)
#define CLK_SYS_RESUS_CTRL (CLOCKS_BASE + 0x78u)
#define CLK_REF_SRC_ROSC 0u
#define CLK_REF_SRC_XOSC 2u
#define CLK_SYS_SRC_REF 0u
#define CLK_SYS_SRC_AUX 1u
#define CLK_SYS_AUXSRC_LSB 5
#define CLK_SYS_AUXSRC_PLL_SYS 0u
#define CLK_SYS_AUXSRC_XOSC 3u
#define CLK_PERI_ENABLE (1u << 11)
#define CLK_PERI_AUXSRC_LSB 5
#define CLK_PERI_AUXSRC_CLK_SYS 0u
/* clk_usb and clk_adc: same layout (ENABLE bit 11, AUXSRC bits 7:5, 0 = PLL_USB), not glitchless */
#define CLK_AUX_ENABLE (1u << 11)
#define CLK_AUX_AUXSRC_LSB 5
#define CLK_AUX_AUXSRC_PLL_USB 0u
#define CLK_DIV_ONE (1u << 8) /* INT = 1, FRAC = 0 */

/* XOSC */
#define XOSC_CTRL (XOSC_BASE + 0x00u)
#define XOSC_STATUS (XOSC_BASE + 0x04u)
#define XOSC_STARTUP (XOSC_BASE + 0x0cu)
#define XOSC_CTRL_FREQ_1_15MHZ 0xaa0u
#define XOSC_CTRL_ENABLE (0xfabu << 12)
#define XOSC_CTRL_DISABLE (0xd1eu << 12)
#define XOSC_STATUS_STABLE (1u << 31)

/* PLL_SYS and PLL_USB (same layout): offsets from the PLL's base */
#define PLL_CS 0x0u
#define PLL_PWR 0x4u
#define PLL_FBDIV_INT 0x8u
#define PLL_PRIM 0xcu
#define PLL_CS_LOCK (1u << 31)
#define PLL_PWR_PD (1u << 0)
#define PLL_PWR_POSTDIVPD (1u << 3)
#define PLL_PWR_VCOPD (1u << 5)
#define PLL_PRIM_POSTDIV1_LSB 16
#define PLL_PRIM_POSTDIV2_LSB 12

/* IO_BANK0 / PADS_BANK0 */
#define IO_GPIO_CTRL(n) (IO_BANK0_BASE + 0x04u + 8u * (uint32_t)(n))
#define IO_GPIO_STATUS(n) (IO_BANK0_BASE + 8u * (uint32_t)(n))
#define IO_FUNC_SPI 1u
#define IO_FUNC_UART 2u
#define IO_FUNC_I2C 3u
#define IO_FUNC_PWM 4u
#define IO_FUNC_SIO 5u
#define IO_FUNC_NULL 31u
#define PADS_GPIO(n) (PADS_BANK0_BASE + 0x04u + 4u * (uint32_t)(n))
#define RP2_GPIO_COUNT 30u

/* SIO (single-cycle IO; no atomic aliases, it has its own SET/CLR registers) */
#define SIO_GPIO_IN (SIO_BASE + 0x04u)
#define SIO_GPIO_HI_IN (SIO_BASE + 0x08u)
#define SIO_GPIO_OUT_SET (SIO_BASE + 0x14u)
#define SIO_GPIO_OUT_CLR (SIO_BASE + 0x18u)
#define SIO_GPIO_OUT_XOR (SIO_BASE + 0x1cu)
#define SIO_GPIO_OE_SET (SIO_BASE + 0x24u)
#define SIO_GPIO_OE_CLR (SIO_BASE + 0x28u)
#define SIO_GPIO_HI_IN_SS (1u << 1)

/* UART (ARM PL011) */
#define UART_DR 0x00u
#define UART_RSR 0x04u
#define UART_FR 0x18u
#define UART_IBRD 0x24u
#define UART_FBRD 0x28u
#define UART_LCR_H 0x2cu
#define UART_CR 0x30u
#define UART_IFLS 0x34u
#define UART_IMSC 0x38u
#define UART_ICR 0x44u
#define UART_FR_TXFF (1u << 5)
#define UART_FR_RXFE (1u << 4)
#define UART_FR_BUSY (1u << 3)
#define UART_LCR_H_WLEN_8 (3u << 5)
#define UART_LCR_H_FEN (1u << 4)
#define UART_CR_UARTEN (1u << 0)
#define UART_CR_TXE (1u << 8)
#define UART_CR_RXE (1u << 9)
#define UART_INT_RX (1u << 4)
#define UART_INT_RT (1u << 6)
#define UART_INT_ALL 0x7ffu

/* TIMER (1 MHz from the watchdog tick) */
#define TIMER_ALARM(n) (TIMER_BASE + 0x10u + 4u * (uint32_t)(n))
#define TIMER_ARMED (TIMER_BASE + 0x20u)
#define TIMER_TIMERAWH (TIMER_BASE + 0x24u)
#define TIMER_TIMERAWL (TIMER_BASE + 0x28u)
#define TIMER_INTR (TIMER_BASE + 0x34u)
#define TIMER_INTE (TIMER_BASE + 0x38u)

/* IRQ numbers */
#define IRQ_TIMER0 0u
#define IRQ_USBCTRL 5u
#define IRQ_IO_BANK0 13u
#define IRQ_UART0 20u
#define IRQ_UART1 21u

/* NVIC helpers: enable/disable one IRQ line, with any stale pending state cleared first. */
#define RP2_IRQ_ENABLE(irq) (REG32(PPB_NVIC_ICPR) = 1u << (irq), REG32(PPB_NVIC_ISER) = 1u << (irq))
#define RP2_IRQ_DISABLE(irq) (REG32(PPB_NVIC_ICER) = 1u << (irq))

#endif /* __ASSEMBLER__ */

#endif
