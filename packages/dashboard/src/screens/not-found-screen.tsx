import { Screen } from "../components/screen.js";
import { Link } from "../router.js";

export function NotFoundScreen() {
  return (
    <Screen title="Page not found" lead="This address is not a page of the console.">
      <p>
        <Link to="/">Go to the Overview</Link>
      </p>
    </Screen>
  );
}
