// What a door-to-door phone app does, typed against the client generated from
// openapi/openapi.json (openapi-typescript + openapi-fetch). `clients/check`
// type-checks it with `tsc --strict`; a spec change that breaks these calls
// breaks the check.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type VisitIn = components["schemas"]["VisitIn"];
type ErrorCode = components["schemas"]["ErrorCode"];

/** Signs in, refreshing when the access token has expired. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const client = createClient<paths>({ baseUrl });
  const login = await client.POST("/api/v1/auth/login", { body: { email, password } });
  if (login.error) {
    const code: ErrorCode = login.error.code;
    throw new Error(`login refused: ${code} (${login.error.detail})`);
  }
  const pair = login.data;
  if (pair.must_change_password) {
    throw new Error("change the one-time password first");
  }
  const refreshed = await client.POST("/api/v1/auth/refresh", { body: { refresh_token: pair.refresh_token } });
  return refreshed.data?.access_token ?? pair.access_token;
}

/** Downloads a route's offline pack, works it, and syncs the visits back. */
export async function workRoute(baseUrl: string, token: string, routeId: string): Promise<number> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const pack = await client.GET("/api/v1/routes/{id}/pack", { params: { path: { id: routeId } } });
  if (!pack.data) {
    throw new Error(`no pack: ${pack.error?.code ?? "not modified"}`);
  }
  const stops = pack.data.route.stops ?? [];
  const topic = pack.data.question_topics[0];
  const visits: VisitIn[] = stops.map((stop) => ({
    id: crypto.randomUUID(),
    stop_id: stop.id,
    visited_at: new Date().toISOString(),
    doors_knocked: stop.doors,
    conversations: 1,
    not_at_home: stop.doors - 1,
    refused: 0,
    questions: topic === undefined ? [] : [topic],
    materials: pack.data.materials_held.slice(0, 1).map((held) => ({ material_id: held.material_id, quantity: 1 })),
  }));
  const synced = await client.POST("/api/v1/routes/{id}/visits:batch", {
    params: { path: { id: routeId } },
    body: { visits },
  });
  if (synced.error) {
    throw new Error(`sync refused: ${synced.error.code}`);
  }
  for (const item of synced.data.items) {
    if (item.status === "rejected") {
      const rules = item.errors.map((error) => `${error.field}: ${error.code}`).join(", ");
      console.warn(`visit ${item.index} refused: ${rules}`);
    }
  }
  return synced.data.progress.stops_visited;
}
