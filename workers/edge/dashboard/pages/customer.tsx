import type { CustomerView } from "../../analytics/queries/customer-view-query.ts";
import { dateTime, money } from "../format.ts";
import { Layout } from "../layout.tsx";
import { href } from "../paths.ts";

const json = (v: unknown) => (v === null || v === undefined ? "–" : JSON.stringify(v));

function Search(props: { id: string }) {
  return (
    <form method="get" action={href("/customers")}>
      <label>
        Visitor id, customer id or order id:{" "}
        <input type="text" name="id" value={props.id} size={40} autocomplete="off" />
      </label>{" "}
      <button type="submit">Look up</button>
    </form>
  );
}

export function CustomerPage(props: { id: string; view: CustomerView | null }) {
  const v = props.view;
  return (
    <Layout title="Single customer view" active="/customers">
      <Search id={props.id} />
      {props.id && !v ? <p class="notice error">Nothing in Turso matches “{props.id}”.</p> : null}
      {v ? (
        <>
          <div class="panel" data-customer={v.customer?.id ?? ""}>
            <h2>Customer</h2>
            {v.customer ? (
              <table>
                <tbody>
                  <tr>
                    <th>Customer id</th>
                    <td>
                      <code>{v.customer.id}</code>
                    </td>
                  </tr>
                  <tr>
                    <th>Since</th>
                    <td>{dateTime(v.customer.createdAt)}</td>
                  </tr>
                  <tr>
                    <th>Last seen</th>
                    <td>{dateTime(v.customer.lastSeenAt)}</td>
                  </tr>
                  <tr>
                    <th>Segment</th>
                    <td>
                      <code>{json(v.customer.segment)}</code>
                    </td>
                  </tr>
                </tbody>
              </table>
            ) : (
              <p class="muted">Anonymous visitor: not linked to a customer login.</p>
            )}
          </div>
          <div class="panel">
            <h2>Devices (visitor ids): {v.visitorIds.length}</h2>
            <table>
              <thead>
                <tr>
                  <th>Visitor</th>
                  <th>First seen</th>
                  <th>Last seen</th>
                  <th class="num">Visits</th>
                  <th>Profile</th>
                </tr>
              </thead>
              <tbody>
                {v.visitorIds.map((id) => {
                  const x = v.visitors.find((row) => row.id === id);
                  return (
                    <tr data-visitor={id}>
                      <td>
                        <a href={href(`/customers?id=${encodeURIComponent(id)}`)}>
                          <code>{id}</code>
                        </a>
                      </td>
                      {x ? (
                        <>
                          <td>{dateTime(x.firstSeenAt)}</td>
                          <td>{dateTime(x.lastSeenAt)}</td>
                          <td class="num">{x.visitCount}</td>
                          <td>
                            <code>
                              {x.profile
                                ? json({
                                    topMode: x.profile.topMode,
                                    segments: x.profile.segments,
                                    lifecycle: x.profile.lifecycle,
                                  })
                                : "–"}
                            </code>
                          </td>
                        </>
                      ) : (
                        <td colspan={4} class="muted">
                          No visitor record flushed yet (known from consent or events).
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div class="panel">
            <h2>Orders: {v.orders.length}</h2>
            <table>
              <thead>
                <tr>
                  <th>Order</th>
                  <th>Placed</th>
                  <th class="num">Total</th>
                  <th>Gift</th>
                  <th>Lines</th>
                </tr>
              </thead>
              <tbody>
                {v.orders.map((o) => (
                  <tr data-order={o.id}>
                    <td>
                      <code>{o.id}</code>
                    </td>
                    <td>{dateTime(o.createdAt)}</td>
                    <td class="num" data-total={String(o.totalCents)}>
                      {money(o.totalCents, o.currency)}
                    </td>
                    <td>{o.isGift ? "yes" : "no"}</td>
                    <td>{o.lines.map((l) => `${l.quantity} × ${l.productId}`).join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="panel">
            <h2>Visits (latest {v.sessions.length})</h2>
            <table>
              <thead>
                <tr>
                  <th>Started</th>
                  <th>Device</th>
                  <th>Channel</th>
                  <th>Campaign</th>
                  <th>Landing page</th>
                  <th class="num">Pages</th>
                </tr>
              </thead>
              <tbody>
                {v.sessions.map((s) => (
                  <tr>
                    <td>{dateTime(s.startedAt)}</td>
                    <td>{s.device}</td>
                    <td>{s.channel}</td>
                    <td>{s.campaign ?? "–"}</td>
                    <td>
                      <code>{s.landingPath}</code>
                    </td>
                    <td class="num">{s.pageViews}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="grid2">
            <div class="panel">
              <h2>Consent history</h2>
              <table>
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Personalization</th>
                    <th>Analytics</th>
                    <th>Source</th>
                  </tr>
                </thead>
                <tbody>
                  {v.consents.map((c) => (
                    <tr>
                      <td>{dateTime(c.createdAt)}</td>
                      <td>{c.personalization ? "yes" : "no"}</td>
                      <td>{c.analytics ? "yes" : "no"}</td>
                      <td>{c.source}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div class="panel">
              <h2>Experiments</h2>
              <table>
                <thead>
                  <tr>
                    <th>Experiment</th>
                    <th>Arm</th>
                    <th>First exposed</th>
                  </tr>
                </thead>
                <tbody>
                  {v.exposures.map((x) => (
                    <tr>
                      <td>
                        <code>{x.experimentId}</code>
                      </td>
                      <td>{x.variant}</td>
                      <td>{dateTime(x.exposedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <div class="panel">
            <h2>Annotations</h2>
            {v.annotations.length === 0 ? (
              <p class="muted">No department has left a note yet.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Department</th>
                    <th>Author</th>
                    <th>Note</th>
                  </tr>
                </thead>
                <tbody>
                  {v.annotations.map((a) => (
                    <tr>
                      <td>{dateTime(a.createdAt)}</td>
                      <td>{a.department}</td>
                      <td>{a.author}</td>
                      <td>{a.body}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <div class="panel">
            <h2>Recent events (latest {v.events.length})</h2>
            <table>
              <thead>
                <tr>
                  <th>When</th>
                  <th>Type</th>
                  <th>Page</th>
                  <th>Product</th>
                  <th class="num">Value</th>
                </tr>
              </thead>
              <tbody>
                {v.events.map((e) => (
                  <tr>
                    <td>{dateTime(e.occurredAt)}</td>
                    <td>{e.type}</td>
                    <td>
                      <code>{e.path ?? "–"}</code>
                    </td>
                    <td>{e.productId ?? "–"}</td>
                    <td class="num">{e.valueCents === null ? "–" : money(e.valueCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </Layout>
  );
}
