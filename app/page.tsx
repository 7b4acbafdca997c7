import { redirect } from "next/navigation";

// The planner's page is the home page; the signed-in layout sends signed-out users to sign in.
export default function Home() {
  redirect("/forecasts");
}
