/* uart.c: USART/UART driver: BRR from the bus clock, framing, blocking TX, RX ring filled by the interrupt
   (RM0090 ch. 30 register layout on F4, RM0410 ch. 34 on F7). */
#include "drivers/uart.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/gpio.h"
#include "drivers/irq.h"
#include "drivers/rcc.h"
#include "drivers/wait.h"
#include "stm32_series.h"

#if STM32_F7
#define CR1 0x00u
#define CR2 0x04u
#define CR3 0x08u
#define BRR 0x0Cu
#define STATUS 0x1Cu /* ISR */
#define ICR 0x20u
#define RDR 0x24u
#define TDR 0x28u
#define CR1_UE (1u << 0)
#define CR1_M0 (1u << 12)
#define CR1_M1 (1u << 28)
#define CR3_OVRDIS (1u << 12)
#else
#define SR 0x00u
#define DR 0x04u
#define BRR 0x08u
#define CR1 0x0Cu
#define CR2 0x10u
#define CR3 0x14u
#define STATUS SR
#define RDR DR
#define TDR DR
#define CR1_UE (1u << 13)
#define CR1_M (1u << 12)
#endif

/* Status and control bits at the same place in both layouts. */
#define ST_PE (1u << 0)
#define ST_FE (1u << 1)
#define ST_NF (1u << 2)
#define ST_ORE (1u << 3)
#define ST_RXNE (1u << 5)
#define ST_TC (1u << 6)
#define ST_TXE (1u << 7)
#define CR1_RE (1u << 2)
#define CR1_TE (1u << 3)
#define CR1_RXNEIE (1u << 5)
#define CR1_PS (1u << 9)
#define CR1_PCE (1u << 10)
#define CR2_STOP_2 (2u << 12)

typedef struct {
    uint32_t base;
    uint8_t irq;
    uint8_t bus;
    uint8_t bit;
    uint8_t af;
} uart_hw_t;

/* Index 1..8: base, IRQ, RCC bus/bit, usual pin AF (RM0090/RM0410 memory map, vector table, RCC). */
static const uart_hw_t uart_hw[9] = {
    {0, 0, 0, 0, 0},
    {0x40011000u, 37, STM32_BUS_APB2, 4, 7},
    {0x40004400u, 38, STM32_BUS_APB1, 17, 7},
    {0x40004800u, 39, STM32_BUS_APB1, 18, 7},
    {0x40004C00u, 52, STM32_BUS_APB1, 19, 8},
    {0x40005000u, 53, STM32_BUS_APB1, 20, 8},
    {0x40011400u, 71, STM32_BUS_APB2, 5, 8},
    {0x40007800u, 82, STM32_BUS_APB1, 30, 8},
    {0x40007C00u, 83, STM32_BUS_APB1, 31, 8},
};

#define REG(uart, off) DRV_REG((uart)->base + (off))

/* Word-length bits for the frame: data bits plus the parity bit. */
static int frame_bits(const stm32_uart_config_t *config, uint32_t *cr1) {
    if (config->bits != 7u && config->bits != 8u) {
        return -STM32_EINVAL; /* the ring holds bytes: 9 data bits are not offered */
    }
    const uint32_t total = config->bits + (config->parity != STM32_PARITY_NONE ? 1u : 0u);
#if STM32_F7
    if (total == 7u) {
        *cr1 |= CR1_M1;
    } else if (total == 9u) {
        *cr1 |= CR1_M0;
    } else if (total != 8u) {
        return -STM32_EINVAL;
    }
#else
    if (total == 9u) {
        *cr1 |= CR1_M;
    } else if (total != 8u) {
        return -STM32_EINVAL;
    }
#endif
    return STM32_OK;
}

int stm32_uart_init(stm32_uart_t *uart, const stm32_uart_config_t *config) {
    const uint32_t index = config->index;
    uart->up = false;
    if (index > 8u || !stm32_chip_has(stm32_chip.uart_mask, index)) {
        return -STM32_ENODEV;
    }
    if (index == stm32_chip.repl_uart) {
        return -STM32_EBUSY;
    }
    if (config->parity > STM32_PARITY_ODD || (config->stop != 1u && config->stop != 2u) || config->baud == 0u ||
        config->priority > 15u || (config->rx_buf != NULL && (config->rx_size == 0u ||
                                                             (config->rx_size & (config->rx_size - 1u)) != 0u))) {
        return -STM32_EINVAL;
    }
    uint32_t cr1 = CR1_UE | CR1_TE;
    if (frame_bits(config, &cr1) != STM32_OK) {
        return -STM32_EINVAL;
    }
    if (config->parity != STM32_PARITY_NONE) {
        cr1 |= CR1_PCE | (config->parity == STM32_PARITY_ODD ? CR1_PS : 0u);
    }
    const uart_hw_t *hw = &uart_hw[index];
    /* 16x oversampling: BRR = pclk / baud, a 12.4 fixed-point divider that must be at least 1.0. */
    const uint32_t pclk = stm32_bus_hz((stm32_bus_t)hw->bus);
    const uint32_t brr = (pclk + config->baud / 2u) / config->baud;
    if (brr < 16u || brr > 0xFFFFu) {
        return -STM32_EINVAL;
    }

    uart->base = hw->base;
    uart->irq = hw->irq;
    uart->index = index;
    uart->actual_baud = (pclk + brr / 2u) / brr;
    uart->rx_buf = config->rx_buf;
    uart->rx_mask = config->rx_buf != NULL ? config->rx_size - 1u : 0u;
    uart->rx_head = 0u;
    uart->rx_tail = 0u;
    uart->rx_dropped = 0u;
    uart->rx_errors = 0u;

    const stm32_clk_t clk = {hw->bus, hw->bit};
    stm32_rcc_enable(clk);
    stm32_rcc_reset(clk); /* from a known state, whatever a previous user left */
    const uint32_t af = config->af != 0u ? config->af : hw->af;
    if (config->tx_pin != STM32_PIN_NONE) {
        const int err = stm32_pin_af(config->tx_pin, af, STM32_PULL_NONE, false);
        if (err != STM32_OK) {
            return err;
        }
    }
    if (config->rx_pin != STM32_PIN_NONE && config->rx_buf != NULL) {
        const int err = stm32_pin_af(config->rx_pin, af, STM32_PULL_UP, false);
        if (err != STM32_OK) {
            return err;
        }
        cr1 |= CR1_RE | CR1_RXNEIE;
    }
    REG(uart, CR1) = 0u;
    REG(uart, CR2) = config->stop == 2u ? CR2_STOP_2 : 0u;
#if STM32_F7
    REG(uart, CR3) = CR3_OVRDIS; /* an overrun drops the byte instead of stalling reception */
#else
    REG(uart, CR3) = 0u;
#endif
    REG(uart, BRR) = brr;
    if (cr1 & CR1_RXNEIE) {
        const int err = stm32_irq_attach(uart->irq, stm32_uart_irq, uart, config->priority);
        if (err != STM32_OK) {
            return err;
        }
    }
    REG(uart, CR1) = cr1;
    uart->up = true;
    return STM32_OK;
}

void stm32_uart_deinit(stm32_uart_t *uart) {
    if (!uart->up) {
        return;
    }
    REG(uart, CR1) = 0u;
    if (uart->rx_buf != NULL) {
        stm32_irq_detach(uart->irq);
    }
    uart->up = false;
}

int stm32_uart_write(stm32_uart_t *uart, const uint8_t *data, size_t len, uint32_t timeout_us) {
    if (!uart->up) {
        return -STM32_EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        if (stm32_wait_reg(&REG(uart, STATUS), ST_TXE, ST_TXE, timeout_us) != STM32_OK) {
            return -STM32_ETIMEDOUT;
        }
        REG(uart, TDR) = data[i];
    }
    return (int)len;
}

int stm32_uart_flush(stm32_uart_t *uart, uint32_t timeout_us) {
    if (!uart->up) {
        return -STM32_EINVAL;
    }
    return stm32_wait_reg(&REG(uart, STATUS), ST_TC, ST_TC, timeout_us);
}

void stm32_uart_irq(void *ctx) {
    stm32_uart_t *uart = ctx;
    const uint32_t status = REG(uart, STATUS);
    if ((status & (ST_RXNE | ST_ORE)) == 0u) {
        return;
    }
    /* On the F4, reading SR then DR clears RXNE and the error flags; the F7 clears errors through ICR. */
    const uint32_t data = REG(uart, RDR);
#if STM32_F7
    REG(uart, ICR) = ST_PE | ST_FE | ST_NF | ST_ORE;
#endif
    if (status & ST_ORE) {
        uart->rx_dropped++;
    }
    if (status & (ST_PE | ST_FE)) {
        uart->rx_errors++;
    }
    if ((status & ST_RXNE) == 0u) {
        return;
    }
    const uint32_t head = uart->rx_head;
    if (head - uart->rx_tail > uart->rx_mask) {
        uart->rx_dropped++; /* full: the newest byte is the one lost */
        return;
    }
    uart->rx_buf[head & uart->rx_mask] = (uint8_t)data;
    uart->rx_head = head + 1u;
}

size_t stm32_uart_any(const stm32_uart_t *uart) {
    return uart->rx_head - uart->rx_tail;
}

size_t stm32_uart_read(stm32_uart_t *uart, uint8_t *data, size_t len) {
    size_t n = 0;
    uint32_t tail = uart->rx_tail;
    while (n < len && tail != uart->rx_head) {
        data[n++] = uart->rx_buf[tail & uart->rx_mask];
        tail++;
    }
    uart->rx_tail = tail;
    return n;
}
