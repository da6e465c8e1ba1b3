/**
 * The gateway over WebSocket (v10, JSON): HELLO, IDENTIFY → READY and a GUILD_CREATE per guild, heartbeats,
 * RESUME with the missed events replayed in order, and Discord's close codes for what it refuses.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  type GatewayGuildCreateDispatchData,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewayReadyDispatchData,
} from 'discord.js';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { NO_FLAGS } from './flags.ts';
import { JsonObject } from './json.ts';
import type { FakeState, GatewaySession } from './state.ts';

const GatewayPayload = z.object({ op: z.number().int(), d: z.unknown() });
const IdentifyData = z.object({
  token: z.string(),
  intents: z.number().int(),
  properties: JsonObject,
  shard: z.tuple([z.number().int(), z.number().int()]).optional(),
});
const ResumeData = z.object({ token: z.string(), session_id: z.string(), seq: z.number().int().nullable() });

export type Gateway = ReturnType<typeof createGateway>;

export function createGateway(
  shared: FakeState,
  guildObject: (guildId: string) => GatewayGuildCreateDispatchData,
) {
  const {
    options,
    applicationId,
    guildIds,
    heartbeatIntervalMs,
    botUser,
    identifies,
    resumes,
    sessions,
    sockets,
  } = shared;

  const send = (socket: WebSocket, payload: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  };

  function dispatchTo(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    const event = { op: 0 as const, t, s: session.seq, d };
    session.events.push(event);
    if (session.events.length > 1000) session.events.shift();
    if (session.socket !== null) send(session.socket, event);
  }

  function dispatch(t: string, d: unknown): void {
    for (const session of sessions.values()) dispatchTo(session, t, d);
  }

  function onGatewayConnection(socket: WebSocket, req: IncomingMessage): void {
    sockets.add(socket);
    let session: GatewaySession | null = null;
    const params = new URL(req.url ?? '/', 'ws://localhost').searchParams;
    socket.on('close', (code) => {
      sockets.delete(socket);
      if (session === null || session.socket !== socket) return;
      session.socket = null;
      // A clean close (1000/1001) ends the session; any other close leaves it resumable.
      if (code === 1000 || code === 1001) sessions.delete(session.id);
    });
    if (params.get('v') !== '10') {
      socket.close(4012, 'Invalid API version');
      return;
    }
    if (params.has('encoding') && params.get('encoding') !== 'json') {
      socket.close(4002, 'Error while decoding payload.');
      return;
    }
    send(socket, {
      op: GatewayOpcodes.Hello,
      s: null,
      t: null,
      d: { heartbeat_interval: heartbeatIntervalMs },
    });
    socket.on('message', (raw, isBinary) => {
      let payload: z.infer<typeof GatewayPayload>;
      try {
        payload = GatewayPayload.parse(JSON.parse(isBinary ? '' : raw.toString()));
      } catch {
        socket.close(4002, 'Error while decoding payload.');
        return;
      }
      switch (payload.op) {
        case GatewayOpcodes.Heartbeat:
          send(socket, { op: GatewayOpcodes.HeartbeatAck, s: null, t: null, d: null });
          return;
        case GatewayOpcodes.Identify: {
          if (session !== null) {
            socket.close(4005, 'Already authenticated.');
            return;
          }
          const data = IdentifyData.safeParse(payload.d);
          if (!data.success) {
            socket.close(4002, 'Error while decoding payload.');
            return;
          }
          if (data.data.token.replace(/^Bot\s+/i, '') !== options.botToken) {
            socket.close(4004, 'Authentication failed.');
            return;
          }
          identifies.push({
            intents: data.data.intents,
            shard: data.data.shard ?? null,
            properties: data.data.properties,
            at: Date.now(),
          });
          session = { id: randomBytes(16).toString('hex'), seq: 0, events: [], socket };
          sessions.set(session.id, session);
          const ready: GatewayReadyDispatchData = {
            v: 10,
            user: { ...botUser, verified: true, mfa_enabled: false, email: null },
            guilds: guildIds.map((id) => ({ id, unavailable: true })),
            session_id: session.id,
            resume_gateway_url: `ws://127.0.0.1:${shared.port}`,
            shard: data.data.shard ?? [0, 1],
            application: { id: applicationId, flags: NO_FLAGS, flags_new: '0' },
          };
          dispatchTo(session, 'READY', ready);
          // GUILD_CREATE needs the Guilds intent; the guilds in READY then arrive one by one.
          if ((data.data.intents & GatewayIntentBits.Guilds) !== 0) {
            for (const id of guildIds) dispatchTo(session, 'GUILD_CREATE', guildObject(id));
          }
          return;
        }
        case GatewayOpcodes.Resume: {
          const data = ResumeData.safeParse(payload.d);
          if (!data.success) {
            socket.close(4002, 'Error while decoding payload.');
            return;
          }
          const known = sessions.get(data.data.session_id);
          const accepted =
            known !== undefined &&
            data.data.token.replace(/^Bot\s+/i, '') === options.botToken &&
            (data.data.seq ?? 0) <= known.seq;
          resumes.push({ sessionId: data.data.session_id, seq: data.data.seq, accepted, at: Date.now() });
          if (!accepted || known === undefined) {
            send(socket, { op: GatewayOpcodes.InvalidSession, s: null, t: null, d: false });
            return;
          }
          if (known.socket !== null && known.socket !== socket)
            known.socket.close(4000, 'Session resumed elsewhere');
          known.socket = socket;
          session = known;
          // Missed events are replayed in order, then RESUMED.
          for (const event of known.events) if (event.s > (data.data.seq ?? 0)) send(socket, event);
          dispatchTo(known, 'RESUMED', {});
          return;
        }
        case GatewayOpcodes.PresenceUpdate:
        case GatewayOpcodes.VoiceStateUpdate:
        case GatewayOpcodes.RequestGuildMembers:
          if (session === null) socket.close(4003, 'Not authenticated.');
          return;
        default:
          socket.close(4001, 'Unknown opcode.');
      }
    });
  }

  return { send, dispatch, onGatewayConnection };
}
