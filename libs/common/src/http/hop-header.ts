/**
 * Header a Switchyard puts on the requests it forwards to a remote tier. A Switchyard that
 * receives it never forwards that request again (no loops, no ping-pong between two nodes that
 * list each other). See docs/remote-tier.md.
 */
export const HOP_HEADER = 'switchyard-hop';
