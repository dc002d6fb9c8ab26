// The auth slice of the contract: sessions, accounts and their lifecycle, Open311 API keys.
import type { authContract } from '../../../shared/contract/auth.ts';
import type { App } from '../app.ts';
import type { HandlersOf } from '../handlers.ts';

/** Handlers of auth.*, users.* and apikeys.* */
export function authHandlers(app: App): HandlersOf<typeof authContract> {
  const { auth } = app;
  const { accounts } = auth;
  // Sessions a change ended lose their push connections now, not at the next sweep.
  const closeEnded = <T>(r: T): T => {
    app.feeds.sweep();
    return r;
  };
  return {
    'auth.login': (i, ctx) => auth.login(i.name, i.password, app.now(), { via: ctx.via, address: ctx.address }),
    'auth.logout': (_i, ctx) => {
      if (ctx.token) {
        auth.logout(ctx.token);
        app.feeds.ended(ctx.token); // its push connections close now
      }
      return null;
    },
    'auth.me': (_i, ctx) => auth.me(ctx.user),
    'auth.changePassword': async (i, ctx) => {
      await accounts.changePassword(ctx.user, ctx.token, i.current, i.password, ctx, app.now());
      return closeEnded(null);
    },
    'users.list': () => auth.users(),
    'users.accounts': () => accounts.list(app.now()),
    'users.add': (i, ctx) => auth.addUser(i, ctx),
    'users.disable': (i, ctx) => closeEnded(accounts.disable(i.id, i.reason, ctx, app.now())),
    'users.enable': (i, ctx) => accounts.enable(i.id, i.reason, ctx, app.now()),
    'users.resetPassword': async (i, ctx) => closeEnded(await accounts.resetPassword(i.id, i.reason, ctx, app.now())),
    'users.update': (i, ctx) => accounts.update(i, ctx, app.now()),
    'users.revokeSessions': (i, ctx) => closeEnded(accounts.revokeSessions(i.id, i.reason, ctx)),
    'apikeys.list': () => auth.apiKeys(),
    'apikeys.create': (i, ctx) => auth.createApiKey(i.name, ctx),
    'apikeys.revoke': (i, ctx) => {
      auth.revokeApiKey(i.id, ctx);
      return null;
    },
  };
}
