import { formatDecimal, formatInteger } from "../format";

/**
 * Inventory figures with their units, so a table never shows a bare number: quantities in whole
 * units (policies are fractional; stock moves in whole units, so they are rounded for display),
 * demand per day, money in dollars, rates as percentages.
 */
const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const bigMoney = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

export const formatUnits = (value: number) => `${formatInteger(Math.round(value))} ${Math.round(value) === 1 ? "unit" : "units"}`;
/** A bare whole-unit count for table cells whose header names the unit. */
export const formatCount = (value: number) => formatInteger(Math.round(value));
export const formatPerDay = (value: number) => `${formatDecimal(value)}/day`;
export const formatDays = (value: number) => `${formatDecimal(value)} ${value === 1 ? "day" : "days"}`;
export const formatMoney = (value: number) => (Math.abs(value) >= 10_000 ? bigMoney.format(value) : money.format(value));
/** A probability (0.95) as a percentage ("95.0 %"). */
export const formatShare = (value: number) => `${formatDecimal(value * 100)} %`;
