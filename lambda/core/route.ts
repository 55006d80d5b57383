/** Which route a request came in on, from API Gateway's route key (the local server sets the same). */
import { ROUTES, type RouteDefinition, routeKey } from '../routes';

const BY_KEY = new Map(ROUTES.map((route) => [routeKey(route), route]));

export const routeOf = (event: { routeKey: string }): RouteDefinition => {
  const route = BY_KEY.get(event.routeKey);
  // Only API Gateway (or the local server built from the same table) invokes us, so this is a wiring fault.
  if (!route) throw new Error(`No route is defined for route key ${JSON.stringify(event.routeKey)}.`);
  return route;
};
