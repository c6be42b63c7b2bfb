/**
 * The Teams SDK's HTTP transport seam, filled by Certify's own server. The SDK's App normally
 * brings an Express server and listens on its own port; given this adapter instead, it hands
 * over its messaging handler (token validation, activity processing, invoke responses) and never
 * listens: `POST /api/messages` stays a route of the one node:http server (bot/server.ts).
 */
import type {
  HttpMethod,
  HttpRouteHandler,
  IHttpServerAdapter,
  IHttpServerRequest,
  IHttpServerResponse,
} from '@microsoft/teams.apps';

export const MESSAGES_PATH = '/api/messages';

export class CertifyHost implements IHttpServerAdapter {
  #messages: HttpRouteHandler | undefined;

  /** Called by the SDK during `App.initialize()`, once per route it serves. */
  registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    // Remote functions and tabs would need routes Certify's server does not have; none are used.
    if (method !== 'POST' || path !== MESSAGES_PATH) {
      throw new Error(`the Teams adapter serves only POST ${MESSAGES_PATH}, not ${method} ${path}`);
    }
    this.#messages = handler;
  }

  /** The SDK's answer to one request: 401 for a refused token, the invoke response otherwise. */
  handle(request: IHttpServerRequest): Promise<IHttpServerResponse> {
    if (this.#messages === undefined) throw new Error('the Teams app is not initialized');
    return this.#messages(request);
  }
}
