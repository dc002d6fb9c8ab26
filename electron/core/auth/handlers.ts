// The auth slice of the contract: sessions, accounts, Open311 API keys.
import type { authContract } from '../../../shared/contract/auth.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';

/** Handlers of auth.*, users.* and apikeys.* */
export function authHandlers(app: App): HandlersOf<typeof authContract> {
  const { auth } = app;
  return {
    'auth.login': (i, ctx) => auth.login(i.name, i.password, app.now(), { via: ctx.via, address: ctx.address }),
    'auth.logout': (_i, ctx) => {
      if (ctx.token) {
        auth.logout(ctx.token);
        app.feeds.ended(ctx.token); // its push connections close now
      }
      return null;
    },
    'auth.me': (_i, ctx) => ctx.user,
    'users.list': () => auth.users(),
    'users.add': (i, ctx) => auth.addUser(i, ctx),
    'apikeys.list': () => auth.apiKeys(),
    'apikeys.create': (i, ctx) => auth.createApiKey(i.name, ctx),
    'apikeys.revoke': (i, ctx) => {
      auth.revokeApiKey(i.id, ctx);
      return null;
    },
  };
}
