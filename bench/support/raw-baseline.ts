/**
 * The floor: bare node:http + pg running the SQL the dashboard needs and JSON.stringify of the rows.
 * No GraphQL, no policy, no masking: whatever Koe adds is measured against this.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

const FEEDBACK_WITH_CUSTOMERS = `
select f.id, f.channel, f.body, f.received_at, c.id as customer_id, c.name, c.email, c.phone, c.address
from feedback f left join customer c on c.id = f.customer_id
order by f.received_at desc, f.id desc limit 100`;

const CUSTOMERS = `
select id, customer_key, name, name_kana, email, phone, address, birth_date, prefecture
from customer order by created_at desc, id desc limit 100`;

export interface RawServer {
  dashboardUrl: string;
  customersUrl: string;
  close(): Promise<void>;
}

export async function startRawBaseline(databaseUrl: string, poolMax: number): Promise<RawServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax });
  const server: Server = createServer((req, res) => {
    // Read the body like a GraphQL server must, then answer the fixed query for the path.
    req.resume();
    req.on('end', () => {
      const sql = req.url === '/customers' ? CUSTOMERS : FEEDBACK_WITH_CUSTOMERS;
      pool.query(sql).then(
        (r) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ data: { rows: r.rows } }));
        },
        () => ((res.statusCode = 500), res.end('{}')),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    dashboardUrl: `http://127.0.0.1:${port}/dashboard`,
    customersUrl: `http://127.0.0.1:${port}/customers`,
    close: async () => {
      await new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections()));
      await pool.end();
    },
  };
}
