// A MariaDB/MySQL database created empty for one run (scripts/test.ts) or one test file.
export async function freshMysqlDatabase(url: string, name: string): Promise<string> {
  const mysql = await import('mysql2/promise');
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const conn = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await conn.end();
  u.pathname = `/${name}`;
  return u.toString();
}
