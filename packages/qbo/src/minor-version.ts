/**
 * The QBO `minorversion` every request carries, pinned here and nowhere else. 75 is both the
 * minimum and the default since August 2025 (QBO-API.md); raising it is a reviewed change.
 */
export const QBO_MINOR_VERSION = 75;
