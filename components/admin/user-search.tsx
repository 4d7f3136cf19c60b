import { Search } from "lucide-react";
import { Button } from "@/components/ui/button.tsx";
import { Input } from "@/components/ui/input.tsx";

/** Searches accounts by email or name; a plain GET form, so the search lives in the URL. */
export function UserSearch({ query }: { query: string }) {
  return (
    <form action="/admin" role="search" className="flex gap-2">
      <Input
        type="search"
        name="q"
        defaultValue={query}
        placeholder="Email or name"
        aria-label="Search users"
        className="max-w-xs"
      />
      <Button type="submit" variant="secondary">
        <Search aria-hidden />
        Search
      </Button>
    </form>
  );
}
