/** Captured headers, name and value, in the order they were sent; long values wrap. */
export function HeadersTable({ headers, label }: { headers: [string, string][] | null; label: string }) {
  if (!headers || headers.length === 0)
    return <p className="text-sm text-fg-muted">No {label} headers kept.</p>;
  return (
    <table
      className="w-full table-fixed border-collapse text-left font-mono text-xs"
      aria-label={`${label} headers`}
    >
      <tbody className="divide-y divide-border">
        {headers.map(([name, value], index) => (
          <tr key={`${index}:${name}`}>
            <th scope="row" className="w-2/5 py-1.5 pr-3 align-top font-medium break-all text-fg-muted">
              {name}
            </th>
            <td className={`py-1.5 break-all ${value === "[REDACTED]" ? "text-fg-muted italic" : ""}`}>
              {value}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
