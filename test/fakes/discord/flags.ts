/** Permission and flag bitfields as Discord sends them. */

function permissionBits(...bits: readonly bigint[]): string {
  return bits.reduce((all, bit) => all | (1n << bit), 0n).toString();
}

/** View channel, send messages, embed links, attach files, read history, external emojis, use commands. */
export const MEMBER_PERMISSIONS = permissionBits(6n, 10n, 11n, 14n, 15n, 16n, 18n, 31n);
export const APP_PERMISSIONS = permissionBits(6n, 10n, 11n, 13n, 14n, 15n, 16n, 18n, 31n, 38n);

/** Bitfields are sent as plain numbers; Discord's flag enums have no member for "none". */
export const NO_FLAGS = 0 as never;
