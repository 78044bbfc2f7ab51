/* tim_pins.c: pin -> timer channel table from the alternate-function tables of the STM32F405/F401/F411/F446
   and F767 datasheets (DS8626 table 9, DS9716 table 9, DS10314 table 9, DS10693 table 11, DS11532 table 13).
   The timer-channel columns agree across these parts: AF1 TIM1/TIM2, AF2 TIM3/TIM4/TIM5, AF3 TIM8..TIM11,
   AF9 TIM12..TIM14. Rows for timers or pins a chip lacks are skipped at lookup. */
#include "drivers/tim_pins.h"

#include <stddef.h>

#include "drivers/gpio.h"
#include "drivers/tim.h"

#define PA(n) (0u * 16u + (n))
#define PB(n) (1u * 16u + (n))
#define PC(n) (2u * 16u + (n))
#define PD(n) (3u * 16u + (n))
#define PE(n) (4u * 16u + (n))
#define PF(n) (5u * 16u + (n))
#define PH(n) (7u * 16u + (n))
#define PI(n) (8u * 16u + (n))

/* Ordered by preference per pin: the first row a chip has is the default. */
static const stm32_tim_pin_t tim_pins[] = {
    {PA(0), 2, 1, 1},   {PA(0), 5, 1, 2},
    {PA(1), 2, 2, 1},   {PA(1), 5, 2, 2},
    {PA(2), 2, 3, 1},   {PA(2), 5, 3, 2},  {PA(2), 9, 1, 3},
    {PA(3), 2, 4, 1},   {PA(3), 5, 4, 2},  {PA(3), 9, 2, 3},
    {PA(5), 2, 1, 1},
    {PA(6), 3, 1, 2},   {PA(6), 13, 1, 9},
    {PA(7), 3, 2, 2},   {PA(7), 14, 1, 9},
    {PA(8), 1, 1, 1},   {PA(9), 1, 2, 1},  {PA(10), 1, 3, 1}, {PA(11), 1, 4, 1},
    {PA(15), 2, 1, 1},
    {PB(0), 3, 3, 2},   {PB(1), 3, 4, 2},
    {PB(3), 2, 2, 1},   {PB(4), 3, 1, 2},  {PB(5), 3, 2, 2},
    {PB(6), 4, 1, 2},   {PB(7), 4, 2, 2},
    {PB(8), 4, 3, 2},   {PB(8), 10, 1, 3},
    {PB(9), 4, 4, 2},   {PB(9), 11, 1, 3},
    {PB(10), 2, 3, 1},  {PB(11), 2, 4, 1},
    {PB(14), 12, 1, 9}, {PB(15), 12, 2, 9},
    {PC(6), 3, 1, 2},   {PC(6), 8, 1, 3},
    {PC(7), 3, 2, 2},   {PC(7), 8, 2, 3},
    {PC(8), 3, 3, 2},   {PC(8), 8, 3, 3},
    {PC(9), 3, 4, 2},   {PC(9), 8, 4, 3},
    {PD(12), 4, 1, 2},  {PD(13), 4, 2, 2}, {PD(14), 4, 3, 2}, {PD(15), 4, 4, 2},
    {PE(5), 9, 1, 3},   {PE(6), 9, 2, 3},
    {PE(9), 1, 1, 1},   {PE(11), 1, 2, 1}, {PE(13), 1, 3, 1}, {PE(14), 1, 4, 1},
    {PF(6), 10, 1, 3},  {PF(7), 11, 1, 3}, {PF(8), 13, 1, 9}, {PF(9), 14, 1, 9},
    {PH(6), 12, 1, 9},  {PH(9), 12, 2, 9},
    {PH(10), 5, 1, 2},  {PH(11), 5, 2, 2}, {PH(12), 5, 3, 2}, {PI(0), 5, 4, 2},
    {PI(5), 8, 1, 3},   {PI(6), 8, 2, 3},  {PI(7), 8, 3, 3},  {PI(2), 8, 4, 3},
};

const stm32_tim_pin_t *stm32_tim_pin_lookup(uint32_t pin, uint32_t timer) {
    if (!stm32_pin_exists(pin)) {
        return NULL;
    }
    for (size_t i = 0; i < sizeof tim_pins / sizeof tim_pins[0]; i++) {
        const stm32_tim_pin_t *row = &tim_pins[i];
        if (row->pin == pin && (timer == 0u || row->timer == timer) && stm32_tim_hw(row->timer) != NULL) {
            return row;
        }
    }
    return NULL;
}
