export default function Home() {
  return <main>Tollgate</main>;
}
