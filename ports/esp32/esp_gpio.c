/* esp_gpio.c: ESP32-C3/C6 GPIO pins (IO_MUX function 1 + GPIO matrix), edge/level interrupts (C3), routing. */
#include <errno.h>
#include <stddef.h>

#include "esp32_hal.h"
#include "esp_gpio.h"
#include "soc_regs.h"

#define FLASH_PIN_FIRST GPIO_FLASH_PIN_FIRST
#define FLASH_PIN_LAST GPIO_FLASH_PIN_LAST
#define DRIVE_DEFAULT 2u /* ~20 mA, the reset value */

/* Interrupt callbacks per pin; reset by esp_gpio_init(). */
static struct {
    esp_gpio_callback_t callback[GPIO_PIN_COUNT];
    void *arg[GPIO_PIN_COUNT];
    int attached;
} irq;

#if defined(INTMTX_SOURCE_GPIO)
static void gpio_isr(void *unused);
#endif

void esp_gpio_init(void) {
    for (unsigned pin = 0; pin < GPIO_PIN_COUNT; pin++) {
        irq.callback[pin] = NULL;
        irq.arg[pin] = NULL;
    }
#if defined(INTMTX_SOURCE_GPIO)
    if (irq.attached) {
        esp_irq_detach(INTMTX_SOURCE_GPIO);
    }
#endif
    irq.attached = 0;
}

int esp_gpio_check(unsigned pin) {
    if (pin >= GPIO_PIN_COUNT) {
        return -EINVAL;
    }
    if (pin >= FLASH_PIN_FIRST && pin <= FLASH_PIN_LAST) {
        return -EPERM;
    }
    return 0;
}

/* Pad as GPIO (function 1) with input enabled, so the pad level is readable whatever drives it. */
static void pad_setup(unsigned pin, int pull) {
    uint32_t mux = IO_MUX_GPIO(pin);
    mux &= ~(IO_MUX_MCU_SEL_MASK | IO_MUX_FUN_WPU | IO_MUX_FUN_WPD | IO_MUX_FUN_DRV_MASK);
    mux |= (IO_MUX_FUNC_GPIO << IO_MUX_MCU_SEL_SHIFT) | IO_MUX_FUN_IE | (DRIVE_DEFAULT << IO_MUX_FUN_DRV_SHIFT);
    if (pull == ESP_GPIO_PULL_UP) {
        mux |= IO_MUX_FUN_WPU;
    } else if (pull == ESP_GPIO_PULL_DOWN) {
        mux |= IO_MUX_FUN_WPD;
    }
    IO_MUX_GPIO(pin) = mux;
}

int esp_gpio_config(unsigned pin, int mode, int pull) {
    int err = esp_gpio_check(pin);
    if (err != 0) {
        return err;
    }
    if (mode < ESP_GPIO_IN || mode > ESP_GPIO_OPEN_DRAIN || pull < ESP_GPIO_PULL_NONE || pull > ESP_GPIO_PULL_DOWN) {
        return -EINVAL;
    }
    pad_setup(pin, pull);
    uint32_t cfg = GPIO_PIN(pin) & ~GPIO_PIN_PAD_DRIVER;
    if (mode == ESP_GPIO_OPEN_DRAIN) {
        cfg |= GPIO_PIN_PAD_DRIVER;
    }
    GPIO_PIN(pin) = cfg;
    /* Simple GPIO output (signal 128) with the enable taken from GPIO_ENABLE. */
    GPIO_FUNC_OUT_SEL(pin) = GPIO_OUT_SEL_GPIO | GPIO_OUT_SEL_OEN_GPIO;
    if (mode == ESP_GPIO_IN) {
        GPIO_ENABLE_W1TC = 1u << pin;
    } else {
        GPIO_ENABLE_W1TS = 1u << pin;
    }
    return 0;
}

int esp_gpio_write(unsigned pin, int level) {
    int err = esp_gpio_check(pin);
    if (err != 0) {
        return err;
    }
    if (level) {
        GPIO_OUT_W1TS = 1u << pin;
    } else {
        GPIO_OUT_W1TC = 1u << pin;
    }
    return 0;
}

int esp_gpio_read(unsigned pin) {
    if (pin >= GPIO_PIN_COUNT) {
        return -EINVAL;
    }
    return (int)((GPIO_IN >> pin) & 1u);
}

#if defined(INTMTX_SOURCE_GPIO)
static void gpio_isr(void *unused) {
    (void)unused;
    uint32_t status = GPIO_STATUS;
    /* Clear first: an edge that arrives while the callback runs is then not lost. */
    GPIO_STATUS_W1TC = status;
    for (unsigned pin = 0; pin < GPIO_PIN_COUNT; pin++) {
        if ((status >> pin) & 1u) {
            esp_gpio_callback_t callback = irq.callback[pin];
            if (callback != NULL) {
                callback(pin, irq.arg[pin]);
            } else {
                GPIO_PIN(pin) &= ~(GPIO_PIN_INT_TYPE_MASK | GPIO_PIN_INT_ENA_MASK);
            }
        }
    }
}
#endif

int esp_gpio_irq(unsigned pin, int trigger, esp_gpio_callback_t callback, void *arg) {
    int err = esp_gpio_check(pin);
    if (err != 0) {
        return err;
    }
    if (trigger < ESP_GPIO_IRQ_NONE || trigger > ESP_GPIO_IRQ_HIGH || (trigger != ESP_GPIO_IRQ_NONE && callback == NULL)) {
        return -EINVAL;
    }
#if !defined(INTMTX_SOURCE_GPIO)
    if (trigger != ESP_GPIO_IRQ_NONE) {
        return -ENOTSUP; /* the GPIO interrupt source is not wired up on this chip yet */
    }
#endif
    uint32_t saved = esp32_irq_save();
    uint32_t cfg = GPIO_PIN(pin) & ~(GPIO_PIN_INT_TYPE_MASK | GPIO_PIN_INT_ENA_MASK);
    GPIO_PIN(pin) = cfg;
    GPIO_STATUS_W1TC = 1u << pin;
    irq.callback[pin] = trigger == ESP_GPIO_IRQ_NONE ? NULL : callback;
    irq.arg[pin] = arg;
    if (trigger != ESP_GPIO_IRQ_NONE) {
#if defined(INTMTX_SOURCE_GPIO)
        if (!irq.attached) {
            int line = esp_irq_attach(INTMTX_SOURCE_GPIO, gpio_isr, NULL);
            if (line < 0) {
                irq.callback[pin] = NULL;
                esp32_irq_restore(saved);
                return line;
            }
            irq.attached = 1;
        }
#endif
        GPIO_PIN(pin) = cfg | ((uint32_t)trigger << GPIO_PIN_INT_TYPE_SHIFT) | GPIO_PIN_INT_ENA_CPU;
    }
    esp32_irq_restore(saved);
    return 0;
}

int esp_gpio_route_output(unsigned pin, unsigned signal, int open_drain, int pull) {
    int err = esp_gpio_check(pin);
    if (err != 0) {
        return err;
    }
    if (signal >= GPIO_OUT_SEL_GPIO) {
        return -EINVAL;
    }
    /* Matrix first, pad function last: the pad never shows a half-configured output. */
    uint32_t cfg = GPIO_PIN(pin) & ~GPIO_PIN_PAD_DRIVER;
    GPIO_PIN(pin) = cfg | (open_drain ? GPIO_PIN_PAD_DRIVER : 0u);
    GPIO_FUNC_OUT_SEL(pin) = signal | GPIO_OUT_SEL_OEN_GPIO;
    GPIO_ENABLE_W1TS = 1u << pin;
    pad_setup(pin, pull);
    return 0;
}

int esp_gpio_route_input(unsigned signal, unsigned pin, int pull) {
    int err = esp_gpio_check(pin);
    if (err != 0) {
        return err;
    }
    if (signal >= 128u) {
        return -EINVAL;
    }
    /* A pad already carrying a peripheral output (I2C's open-drain lines) stays bidirectional and
       keeps its pulls; anything else becomes a pure input with the requested pull. */
    if ((GPIO_FUNC_OUT_SEL(pin) & 0xFFu) != GPIO_OUT_SEL_GPIO && ((GPIO_ENABLE >> pin) & 1u) != 0u) {
        IO_MUX_GPIO(pin) |= IO_MUX_FUN_IE;
    } else {
        GPIO_FUNC_OUT_SEL(pin) = GPIO_OUT_SEL_GPIO | GPIO_OUT_SEL_OEN_GPIO;
        GPIO_ENABLE_W1TC = 1u << pin;
        pad_setup(pin, pull);
    }
    GPIO_FUNC_IN_SEL(signal) = pin | GPIO_IN_SEL_MATRIX;
    return 0;
}
